/// The xterm 256-colour palette's 6×6×6 cube and grey ramp (indices 16-255), for terminals
/// without true colour. Indices 0-15 are left out: their colours are whatever the user's theme
/// says, so a match against them would be a guess.
public enum XtermPalette {
    /// The six channel levels of the colour cube.
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The palette index whose colour is nearest (squared RGB distance) to the one given.
    public static func nearest(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let channels = [Int(red), Int(green), Int(blue)]
        let cube = channels.map(nearestLevel)
        let cubeIndex = 16 + 36 * cube[0] + 6 * cube[1] + cube[2]
        let cubeDistance = distance(channels, cube.map { cubeLevels[$0] })
        // The grey ramp: 24 steps from 8 to 238.
        let mean = channels.reduce(0, +) / 3
        let greyStep = min(23, max(0, (mean - 8 + 5) / 10))
        let grey = 8 + 10 * greyStep
        let greyDistance = distance(channels, [grey, grey, grey])
        return UInt8(greyDistance < cubeDistance ? 232 + greyStep : cubeIndex)
    }

    /// The colour of a palette index from 16 to 255.
    public static func color(of index: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let value = Int(index)
        if value >= 232 {
            let grey = UInt8(8 + 10 * (value - 232))
            return (grey, grey, grey)
        }
        let cube = max(0, value - 16)
        return (UInt8(cubeLevels[cube / 36]), UInt8(cubeLevels[cube / 6 % 6]), UInt8(cubeLevels[cube % 6]))
    }

    private static func nearestLevel(_ channel: Int) -> Int {
        var best = 0
        for (index, level) in cubeLevels.enumerated() where abs(level - channel) < abs(cubeLevels[best] - channel) { best = index }
        return best
    }

    private static func distance(_ a: [Int], _ b: [Int]) -> Int {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
}
