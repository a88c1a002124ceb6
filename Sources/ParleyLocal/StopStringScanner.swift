/// Finds stop strings in streamed text. Text that might be the start of a stop string is held back
/// until it is clear either way, so a stop string never reaches the user even when it arrives in
/// pieces. Pure.
struct StopStringScanner {
    let stops: [String]
    private var held = ""

    init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Feeds text; returns what can be shown now and whether a stop string was reached.
    mutating func feed(_ text: String) -> (emit: String, stop: Bool) {
        guard !stops.isEmpty else { return (text, false) }
        held += text
        if let range = stops.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let emit = String(held[..<range.lowerBound])
            held = ""
            return (emit, true)
        }
        // Keep the longest tail that is a prefix of some stop string.
        var keep = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, held.count), to: 0, by: -1)
            where held.hasSuffix(String(stop.prefix(length))) {
                keep = max(keep, length)
                break
            }
        }
        let emit = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return (emit, false)
    }

    /// The end of the stream: whatever was held back, plus `final`, checked once more.
    mutating func flush(_ final: String) -> String {
        let (emit, stop) = feed(final)
        if stop { return emit }
        defer { held = "" }
        return emit + held
    }
}
