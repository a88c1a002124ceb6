import ParleyCore
import Testing

@Suite struct XtermPaletteTests {
    @Test(arguments: [
        ((255, 0, 0), 196), ((0, 255, 0), 46), ((0, 0, 255), 21), ((255, 255, 255), 231), ((0, 0, 0), 16),
        ((128, 128, 128), 244),  // a grey: the ramp (128) is nearer than the cube's 135
        ((100, 140, 170), 67),  // cube levels 95, 135, 175
    ])
    func theNearestColourIsChosen(rgb: (Int, Int, Int), expected: Int) {
        #expect(Int(XtermPalette.nearest(red: UInt8(rgb.0), green: UInt8(rgb.1), blue: UInt8(rgb.2))) == expected)
    }

    @Test func everyIndexFromSixteenMapsBackToItself() {
        for index in UInt8(16)...UInt8(255) {
            let color = XtermPalette.color(of: index)
            let back = XtermPalette.nearest(red: color.red, green: color.green, blue: color.blue)
            #expect(XtermPalette.color(of: back) == color, "index \(index)")
        }
    }
}
