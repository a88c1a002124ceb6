/// A line diff between two texts, by Myers' O(ND) shortest-edit-script algorithm: the fewest
/// added and removed lines, with removals listed before additions where they meet.
public struct LineDiff: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public var lines: [Line]

    public init(from old: String, to new: String) {
        self.init(old: Self.split(old), new: Self.split(new))
    }

    public init(old: [String], new: [String]) {
        lines = Self.shortestEdit(old, new)
    }

    public var added: Int { lines.reduce(0) { if case .added = $1 { $0 + 1 } else { $0 } } }
    public var removed: Int { lines.reduce(0) { if case .removed = $1 { $0 + 1 } else { $0 } } }
    public var hasChanges: Bool { lines.contains { if case .same = $0 { false } else { true } } }

    /// Lines of a text; a final newline does not start another (empty) line.
    static func split(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Unified-diff text: `--- old`/`+++ new` headers, then hunks with `context` unchanged lines
    /// around each change, `@@ -start,count +start,count @@` headers and ` `/`-`/`+` line prefixes.
    /// Empty when nothing changed.
    public func unified(fromLabel: String, toLabel: String, context: Int = 3) -> String {
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        guard !changed.isEmpty else { return "" }
        // Group changes whose context would touch or overlap into one hunk.
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(lines.count - 1, index + context)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                hunks.append(range)
            }
        }
        // Line numbers before each entry.
        var oldBefore: [Int] = []
        var newBefore: [Int] = []
        var o = 0, n = 0
        for line in lines {
            oldBefore.append(o)
            newBefore.append(n)
            switch line {
            case .same: o += 1; n += 1
            case .removed: o += 1
            case .added: n += 1
            }
        }
        var out = "--- \(fromLabel)\n+++ \(toLabel)\n"
        for hunk in hunks {
            let slice = lines[hunk]
            let oldCount = slice.filter { if case .added = $0 { false } else { true } }.count
            let newCount = slice.filter { if case .removed = $0 { false } else { true } }.count
            // As in GNU diff, an empty side names the line before it.
            let oldStart = oldBefore[hunk.lowerBound] + (oldCount == 0 ? 0 : 1)
            let newStart = newBefore[hunk.lowerBound] + (newCount == 0 ? 0 : 1)
            out += "@@ -\(Self.range(oldStart, oldCount)) +\(Self.range(newStart, newCount)) @@\n"
            for line in slice {
                switch line {
                case .same(let text): out += " " + text + "\n"
                case .removed(let text): out += "-" + text + "\n"
                case .added(let text): out += "+" + text + "\n"
                }
            }
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }

    /// Myers' greedy forward search, keeping each round's furthest-reaching x per diagonal so the
    /// path can be walked back.
    private static func shortestEdit(_ a: [String], _ b: [String]) -> [Line] {
        let n = a.count, m = b.count
        let maxD = n + m
        if maxD == 0 { return [] }
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        search: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m { break search }
            }
        }
        var result: [Line] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
            let previousX = v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                result.append(.same(a[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX {
                    result.append(.added(b[y - 1]))
                    y -= 1
                } else {
                    result.append(.removed(a[x - 1]))
                    x -= 1
                }
            }
        }
        return result.reversed()
    }
}
