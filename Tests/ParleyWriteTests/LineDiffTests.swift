import Testing
@testable import ParleyWrite

@Suite("Line diff")
struct LineDiffTests {
    /// Old text, new text, the edit script as prefixed lines (" " same, "-" removed, "+" added).
    @Test(arguments: [
        ("", "", [String]()),
        ("a", "a", [" a"]),
        ("", "a\nb", ["+a", "+b"]),
        ("a\nb", "", ["-a", "-b"]),
        ("a\nb\nc", "a\nc", [" a", "-b", " c"]),
        ("a\nc", "a\nb\nc", [" a", "+b", " c"]),
        ("a\nb\nc", "a\nx\nc", [" a", "-b", "+x", " c"]),
        ("a\nb\nc\nd", "b\nc\nd\ne", ["-a", " b", " c", " d", "+e"]),
        // The classic example from Myers' paper: 5 edits, LCS of 4.
        ("a\nb\nc\na\nb\nb\na", "c\nb\na\nb\na\nc", ["-a", "-b", " c", "+b", " a", " b", "-b", " a", "+c"]),
        ("x\nx\nx", "x\nx", [" x", " x", "-x"]),
        ("same\n", "same", [" same"]),
        ("a\r\nb", "a\nb", [" a", " b"]),
    ])
    func editScripts(old: String, new: String, expected: [String]) {
        let diff = LineDiff(from: old, to: new)
        let rendered = diff.lines.map { line -> String in
            switch line {
            case .same(let t): return " " + t
            case .removed(let t): return "-" + t
            case .added(let t): return "+" + t
            }
        }
        #expect(rendered == expected)
        #expect(diff.hasChanges == expected.contains { !$0.hasPrefix(" ") })
        // Every diff is minimal: applying it gives the new text, keeping it gives the old.
        #expect(diff.lines.compactMap { if case .added = $0 { nil } else { $0.text } } == LineDiff.split(old))
        #expect(diff.lines.compactMap { if case .removed = $0 { nil } else { $0.text } } == LineDiff.split(new))
    }

    @Test func minimalOnLargerInputs() {
        // Lengths of the shortest edit scripts checked against a dynamic-programming LCS.
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 60) % 4
        }
        for _ in 0..<40 {
            let a = (0..<(next() * 5 + 3)).map { _ in String(next()) }
            let b = (0..<(next() * 5 + 3)).map { _ in String(next()) }
            let diff = LineDiff(old: a, new: b)
            let lcs = Self.lcsLength(a, b)
            #expect(diff.added == b.count - lcs)
            #expect(diff.removed == a.count - lcs)
        }
    }

    static func lcsLength(_ a: [String], _ b: [String]) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    static let ten: String = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10"
    static let twelve: String = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12"

    @Test(arguments: [
        // One change in the middle of ten lines: three lines of context either side.
        (ten, "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10", "--- v1\n+++ v2\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"),
        // Two changes far apart make two hunks.
        (twelve, "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve",
         "--- v1\n+++ v2\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n"),
        // Adding to an empty text: the old side is empty ("-0,0").
        ("", "a\nb", "--- v1\n+++ v2\n@@ -0,0 +1,2 @@\n+a\n+b\n"),
        ("a", "", "--- v1\n+++ v2\n@@ -1 +0,0 @@\n-a\n"),
        ("same", "same", ""),
    ] as [(String, String, String)])
    func unifiedOutput(old: String, new: String, expected: String) {
        #expect(LineDiff(from: old, to: new).unified(fromLabel: "v1", toLabel: "v2") == expected)
    }

    @Test func nearbyChangesShareAHunk() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9"
        let new = "1\nx\n3\n4\n5\n6\n7\nx\n9"
        let text = LineDiff(from: old, to: new).unified(fromLabel: "a", toLabel: "b", context: 3)
        #expect(text.components(separatedBy: "@@ -").count == 2)
        #expect(text.contains("@@ -1,9 +1,9 @@"))
        #expect(LineDiff(from: old, to: new).unified(fromLabel: "a", toLabel: "b", context: 1).components(separatedBy: "@@ -").count == 3)
    }
}

extension LineDiff.Line {
    var text: String {
        switch self {
        case .same(let t), .removed(let t), .added(let t): return t
        }
    }
}
