import Testing

@testable import ParleyTUI

@Suite("Input editor")
struct InputEditorTests {
    @Test func typingAndMovingByGraphemes() {
        var e = InputEditor()
        for c in "a👨‍👩‍👧中" { e.insert(c) }
        #expect(e.text == "a👨‍👩‍👧中")
        e.moveLeft()
        e.backspace()
        #expect(e.text == "a中")
        e.moveHome()
        e.deleteForward()
        #expect(e.text == "中")
        #expect(e.characterCount == 1)
    }

    @Test func newlinesAndJoiningLines() {
        var e = InputEditor("one")
        e.newline()
        e.insert("two")
        #expect(e.lines.count == 2)
        #expect(e.text == "one\ntwo")
        e.moveHome()
        e.backspace()
        #expect(e.text == "onetwo")
        #expect(e.column == 3)
    }

    @Test func pasteKeepsNewlinesAndNormalisesCR() {
        var e = InputEditor("[]")
        e.moveLeft()
        e.insert("a\r\nb\rc")
        #expect(e.text == "[a\nb\nc]")
        #expect(e.row == 2 && e.column == 1)
    }

    @Test func wordMovesAndDeletions() {
        var e = InputEditor("hello big world")
        e.moveWordLeft()
        #expect(e.column == 10)
        e.moveWordLeft()
        #expect(e.column == 6)
        e.moveWordRight()
        #expect(e.column == 9)
        e.moveEnd()
        e.deleteWordBackward()
        #expect(e.text == "hello big ")
        e.moveHome()
        e.moveWordRight()
        e.deleteToLineEnd()
        #expect(e.text == "hello")
        e.deleteToLineStart()
        #expect(e.isEmpty)
    }

    @Test func upAndDownReportTheEdges() {
        var e = InputEditor("a\nb")
        let down = e.moveDown()
        let up = e.moveUp()
        let upAgain = e.moveUp()
        #expect(down == false)
        #expect(up)
        #expect(upAgain == false)
    }

    @Test func visibleRowsWrapByWidthAndFollowTheCursor() {
        let e = InputEditor("你好世界abc")
        let view = e.visibleRows(width: 4, maxRows: 5)
        #expect(view.rows == ["你好", "世界", "abc"])
        #expect(view.cursorRow == 2 && view.cursorColumn == 3)
        var long = InputEditor((1...20).map(String.init).joined(separator: "\n"))
        let tail = long.visibleRows(width: 10, maxRows: 3)
        #expect(tail.rows == ["18", "19", "20"])
        for _ in 0..<19 { long.moveUp() }
        #expect(long.visibleRows(width: 10, maxRows: 3).rows.first == "1")
    }

    @Test func aMegabytePasteIsCountedAndStaysEditable() {
        let line = String(repeating: "x", count: 99) + "\n"
        var e = InputEditor()
        e.insert(String(repeating: line, count: 10_500))
        #expect(e.byteCount == 10_500 * 100)
        #expect(e.lines.count == 10_501)
        e.insert("y")
        #expect(e.lines.last == ["y"])
        let view = e.visibleRows(width: 80, maxRows: 8)
        #expect(view.rows.count == 8)
        #expect(view.rows.last == "y")
        // One giant line: laid out around the cursor only.
        var wide = InputEditor(String(repeating: "z", count: 1_000_000))
        wide.insert("!")
        let end = wide.visibleRows(width: 100, maxRows: 4)
        #expect(end.rows.last?.hasSuffix("!") == true)
        #expect(end.cursorRow == end.rows.count - 1)
    }
}
