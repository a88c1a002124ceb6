import ParleyCore
import ParleyImages
import Testing

@Suite struct HalfBlockRasteriserTests {
    typealias Cell = HalfBlockPicture.Cell
    let red = TestPictures.red, green = TestPictures.green, blue = TestPictures.blue, white = TestPictures.white

    @Test func aSmallPictureKeepsItsExactPixelsTwoToACell() {
        let picture = HalfBlockRasteriser.rasterise(TestPictures.quarters, maxColumns: 80, maxRows: 24)
        #expect(picture.columns == 2 && picture.rows == 2)
        #expect(picture.cells == [
            Cell(upper: red, lower: blue), Cell(upper: green, lower: white),
            Cell(upper: green, lower: white), Cell(upper: red, lower: blue),
        ])
    }

    @Test func shrinkingAveragesEachBox() {
        // 4×4: the left half's 2×2 box holds 0, 10, 20 and 31 red (mean 15.25 → 15); the right
        // half is flat blue; the bottom half is white on the left and 101/102 green on the right.
        let rows: [[RGB]] = [
            [RGB(red: 0, green: 0, blue: 0), RGB(red: 10, green: 0, blue: 0), blue, blue],
            [RGB(red: 20, green: 0, blue: 0), RGB(red: 31, green: 0, blue: 0), blue, blue],
            [white, white, RGB(red: 0, green: 101, blue: 0), RGB(red: 0, green: 102, blue: 0)],
            [white, white, RGB(red: 0, green: 101, blue: 0), RGB(red: 0, green: 102, blue: 0)],
        ]
        let image = RGBImage(width: 4, height: 4, pixels: rows.flatMap { $0.flatMap { [$0.red, $0.green, $0.blue] } })
        let picture = HalfBlockRasteriser.rasterise(image, maxColumns: 2, maxRows: 10)
        #expect(picture.columns == 2 && picture.rows == 1)
        #expect(picture.cells == [
            Cell(upper: RGB(red: 15, green: 0, blue: 0), lower: white),
            Cell(upper: blue, lower: RGB(red: 0, green: 102, blue: 0)),
        ])
    }

    @Test(arguments: [
        // (width, height, maxColumns, maxRows) → (columns, rows)
        ((100, 10, 20, 20), (20, 1)),  // wide: the width limits, height 2 pixels = 1 row
        ((10, 100, 40, 5), (1, 5)),  // tall: the rows limit (10 pixel rows)
        ((512, 512, 80, 24), (48, 24)),  // square: 48 square pixels each way
        ((3, 3, 80, 24), (3, 2)),  // never enlarged; an odd height rounds up to whole cells
        ((1, 1, 0, 0), (1, 1)),  // no room still gives one cell
    ])
    func scalingKeepsTheAspectRatio(input: (Int, Int, Int, Int), expected: (Int, Int)) {
        let image = RGBImage(width: input.0, height: input.1, pixels: [UInt8](repeating: 7, count: input.0 * input.1 * 3))
        let picture = HalfBlockRasteriser.rasterise(image, maxColumns: input.2, maxRows: input.3)
        #expect(picture.columns == expected.0 && picture.rows == expected.1)
        #expect(picture.cells.allSatisfy { $0 == Cell(upper: RGB(red: 7, green: 7, blue: 7), lower: RGB(red: 7, green: 7, blue: 7)) })
    }
}
