import Foundation
import ParleyCore

/// A criterion as the model named it; the weight is nil when it gave none (or one outside 1-5).
public struct ParsedCriterion: Sendable, Equatable {
    public var name: String
    public var weight: Int?

    public init(name: String, weight: Int?) {
        self.name = name
        self.weight = weight
    }
}

/// A score the model gave, already matched to the decision's own option and criterion names.
public struct ParsedScore: Sendable, Equatable {
    public var option: String
    public var criterion: String
    public var value: Int

    public init(option: String, criterion: String, value: Int) {
        self.option = option
        self.criterion = criterion
        self.value = value
    }
}

/// Reads what a model answered, tolerantly: a JSON object when the text holds one (fenced or not,
/// with the usual small-model slips), otherwise lenient text — numbered or bulleted lists,
/// `Pros:`/`Cons:` sections, `criterion: weight` lines, Markdown score tables, `Option — Criterion: 7/10`
/// lines and a `Recommendation:` line. It never invents: what it cannot read is simply not returned.
public enum DecisionParser {
    // MARK: - Options

    /// Option names, in the order given, without duplicates.
    public static func options(in text: String) -> [String] {
        if let json = LenientJSON.object(in: text) {
            let names = jsonOptions(json).map(\.name)
            if !names.isEmpty { return unique(names) }
        }
        var names: [String] = []
        var inProsOrCons = false
        // The list style of the pros/cons points being skipped, once seen.
        var pointStyle: ListStyle?
        for line in lines(text) {
            if sectionHeading(line) != nil {
                inProsOrCons = true
                pointStyle = nil
                continue
            }
            guard let item = listItem(line) else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                // Prose ends a pros/cons list.
                inProsOrCons = false
                if let inline = inlineList(line, labels: ["options", "choices"]) { names += inline }
                continue
            }
            if inProsOrCons {
                // Items under a pros/cons heading are points, not options, until an item of another
                // style or further left ("2. London" after indented "- cheap" points) resumes the list.
                let style = listStyle(line)
                if let pointStyle, style.marker != pointStyle.marker || style.indent < pointStyle.indent {
                    inProsOrCons = false
                } else {
                    pointStyle = pointStyle ?? style
                    continue
                }
            }
            if let name = shortName(item) { names.append(name) }
        }
        return unique(names)
    }

    // MARK: - Criteria

    /// Criteria with weights where the model gave them (`Cost: 4`, `Cost (4)`, `Cost - 4/5`, `Cost (weight 4)`).
    public static func criteria(in text: String) -> [ParsedCriterion] {
        if let json = LenientJSON.object(in: text) {
            let parsed = jsonCriteria(json)
            if !parsed.isEmpty { return uniqueCriteria(parsed) }
        }
        var parsed: [ParsedCriterion] = []
        for line in lines(text) {
            let body = listItem(line) ?? stripMarkup(line)
            guard !body.isEmpty, sectionHeading(line) == nil, !isRecommendation(body) else { continue }
            if let match = firstMatch(#"^(.{1,60}?)\s*(?:[:=\-–—]|\(\s*(?:weight|importance)?\s*:?)\s*(\d{1,2})\s*(?:/\s*5|out of 5)?\s*\)?(?:\s|[.,;]|$)"#, in: body) {
                let name = cleanName(match[1])
                let weight = Int(match[2]).flatMap { DecisionCriterion.weightRange.contains($0) ? $0 : nil }
                if !name.isEmpty, name.rangeOfCharacter(from: .letters) != nil { parsed.append(ParsedCriterion(name: name, weight: weight)) }
            } else if listItem(line) != nil, let name = shortName(body) {
                parsed.append(ParsedCriterion(name: name, weight: nil))
            }
        }
        return uniqueCriteria(parsed)
    }

    /// The weight the answer gives for one named criterion, if any.
    public static func weight(of criterion: String, in text: String) -> Int? {
        let key = DecisionNames.key(criterion)
        if let found = criteria(in: text).first(where: { DecisionNames.key($0.name) == key && $0.weight != nil }) { return found.weight }
        // A bare "4" or "Weight: 4" answer to a question about one criterion.
        let trimmed = stripMarkup(text)
        if let match = firstMatch(#"^(?:weight\s*[:=]?\s*)?(\d)\s*(?:/\s*5)?\s*\.?$"#, in: trimmed.lowercased()), let value = Int(match[1]),
            DecisionCriterion.weightRange.contains(value)
        {
            return value
        }
        return nil
    }

    // MARK: - Pros and cons

    /// The pros and cons in an answer about one option (for a JSON answer about several, the ones of `option`).
    public static func prosAndCons(in text: String, option: String? = nil) -> (pros: [String], cons: [String]) {
        if let json = LenientJSON.object(in: text) {
            var found: (pros: [String], cons: [String]) = (strings(json["pros"] ?? json["advantages"]), strings(json["cons"] ?? json["disadvantages"]))
            if found.pros.isEmpty && found.cons.isEmpty, let option {
                let key = DecisionNames.key(option)
                if let match = jsonOptions(json).first(where: { DecisionNames.key($0.name) == key }) { found = (match.pros, match.cons) }
            }
            if !found.pros.isEmpty || !found.cons.isEmpty { return found }
        }
        var pros: [String] = [], cons: [String] = []
        var section: Section?
        for line in lines(text) {
            if let heading = sectionHeading(line) {
                section = heading.section
                let inline = heading.rest.split(whereSeparator: { $0 == ";" }).map { cleanPoint(String($0)) }.filter { !$0.isEmpty }
                if section == .pros { pros += inline } else { cons += inline }
                continue
            }
            guard let section else { continue }
            if let item = listItem(line) {
                let point = cleanPoint(item)
                if point.isEmpty { continue }
                if section == .pros { pros.append(point) } else { cons.append(point) }
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.hasPrefix(" ") {
                // Prose after the list ends the section.
                if isRecommendation(line) { break }
            }
        }
        return (pros, cons)
    }

    // MARK: - Scores

    /// Scores 1-10 for the given options and criteria. Names are matched loosely (case, markup,
    /// "Option 2" / "Option B" for the second option); a value outside 1-10 or a cell that cannot be
    /// placed is left out.
    public static func scores(in text: String, options: [String], criteria: [String]) -> [ParsedScore] {
        var found: [ParsedScore] = []
        if let json = LenientJSON.object(in: text) { found = jsonScores(json, options: options, criteria: criteria) }
        if found.isEmpty { found = tableScores(text, options: options, criteria: criteria) }
        if found.isEmpty { found = lineScores(text, options: options, criteria: criteria) }
        var seen = Set<String>()
        return found.filter { seen.insert(DecisionNames.key($0.option) + "\u{1F}" + DecisionNames.key($0.criterion)).inserted }
    }

    // MARK: - Recommendation

    /// The text of a `Recommendation:` line (or `"recommendation"` in JSON), one line, without markup.
    public static func recommendation(in text: String) -> String? {
        if let json = LenientJSON.object(in: text) {
            for key in ["recommendation", "recommend", "suggestion", "choice", "decision"] {
                if let value = json[key] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty {
                    return oneLine(value)
                }
            }
        }
        for line in lines(text) {
            let body = stripMarkup(line)
            if let match = firstMatch(#"^(?:my\s+|final\s+)?(?:recommendation|recommend(?:ed)?|suggestion|verdict)\s*[:\-–—]\s*(.+)$"#, in: body, caseInsensitive: true) {
                let value = oneLine(match[1])
                if !value.isEmpty { return value }
            }
            if let match = firstMatch(#"^(I (?:would )?recommend .+)$"#, in: body, caseInsensitive: true) { return oneLine(match[1]) }
        }
        return nil
    }

    // MARK: - JSON shapes

    struct JSONOption {
        var name: String
        var pros: [String]
        var cons: [String]
        var scores: [String: Any]
    }

    static func jsonOptions(_ json: [String: Any]) -> [JSONOption] {
        let value = json["options"] ?? json["choices"] ?? json["alternatives"]
        if let array = value as? [Any] {
            return array.compactMap { item in
                if let name = item as? String { return JSONOption(name: cleanName(name), pros: [], cons: [], scores: [:]) }
                guard let object = item as? [String: Any],
                    let name = (object["name"] ?? object["option"] ?? object["title"]) as? String
                else { return nil }
                return JSONOption(
                    name: cleanName(name), pros: strings(object["pros"]), cons: strings(object["cons"]),
                    scores: object["scores"] as? [String: Any] ?? [:])
            }.filter { !$0.name.isEmpty }
        }
        if let object = value as? [String: Any] {
            return object.keys.sorted().map { name in
                let details = object[name] as? [String: Any] ?? [:]
                return JSONOption(name: cleanName(name), pros: strings(details["pros"]), cons: strings(details["cons"]),
                                  scores: details["scores"] as? [String: Any] ?? [:])
            }
        }
        return []
    }

    static func jsonCriteria(_ json: [String: Any]) -> [ParsedCriterion] {
        let value = json["criteria"] ?? json["factors"]
        if let array = value as? [Any] {
            return array.compactMap { item in
                if let name = item as? String { return ParsedCriterion(name: cleanName(name), weight: nil) }
                guard let object = item as? [String: Any],
                    let name = (object["name"] ?? object["criterion"] ?? object["factor"]) as? String
                else { return nil }
                let weight = number(object["weight"] ?? object["importance"]).flatMap { DecisionCriterion.weightRange.contains($0) ? $0 : nil }
                return ParsedCriterion(name: cleanName(name), weight: weight)
            }
        }
        if let object = value as? [String: Any] {
            return object.keys.sorted().map { name in
                ParsedCriterion(name: cleanName(name), weight: number(object[name]).flatMap { DecisionCriterion.weightRange.contains($0) ? $0 : nil })
            }
        }
        return []
    }

    static func jsonScores(_ json: [String: Any], options: [String], criteria: [String]) -> [ParsedScore] {
        var found: [ParsedScore] = []
        func add(_ option: String, _ criterion: String, _ value: Any?) {
            guard let o = match(option, in: options), let c = match(criterion, in: criteria), let v = number(value),
                DecisionScore.valueRange.contains(v)
            else { return }
            found.append(ParsedScore(option: o, criterion: c, value: v))
        }
        let value = json["scores"] ?? json["ratings"] ?? json["matrix"]
        if let byOption = value as? [String: Any] {
            for (option, row) in byOption {
                if let row = row as? [String: Any] { for (criterion, v) in row { add(option, criterion, v) } }
            }
        } else if let cells = value as? [Any] {
            for cell in cells {
                guard let cell = cell as? [String: Any] else { continue }
                let option = (cell["option"] ?? cell["name"]) as? String ?? ""
                if let criterion = (cell["criterion"] ?? cell["factor"]) as? String {
                    add(option, criterion, cell["score"] ?? cell["value"] ?? cell["rating"])
                } else if let row = cell["scores"] as? [String: Any] {
                    for (criterion, v) in row { add(option, criterion, v) }
                }
            }
        }
        for option in jsonOptions(json) { for (criterion, v) in option.scores { add(option.name, criterion, v) } }
        // Keep a stable order: the decision's own.
        return found.sorted {
            (options.firstIndex(of: $0.option)!, criteria.firstIndex(of: $0.criterion)!)
                < (options.firstIndex(of: $1.option)!, criteria.firstIndex(of: $1.criterion)!)
        }
    }

    // MARK: - Text shapes

    /// A Markdown table: options as rows and criteria as columns, or the other way round, or one
    /// `| option | criterion | score |` row per cell.
    static func tableScores(_ text: String, options: [String], criteria: [String]) -> [ParsedScore] {
        var rows: [[String]] = []
        for line in lines(text) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|") || (trimmed.filter { $0 == "|" }.count >= 2) else { continue }
            var cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { stripMarkup(String($0)) }
            if trimmed.hasPrefix("|") { cells.removeFirst() }
            if trimmed.hasSuffix("|"), !cells.isEmpty { cells.removeLast() }
            if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
            rows.append(cells)
        }
        guard rows.count >= 2 else { return [] }
        var found: [ParsedScore] = []
        func add(_ o: String?, _ c: String?, _ cell: String) {
            guard let o, let c, let v = scoreValue(cell) else { return }
            found.append(ParsedScore(option: o, criterion: c, value: v))
        }
        let header = rows[0]
        let columnCriteria = header.map { match($0, in: criteria) }
        let columnOptions = header.map { match($0, in: options) }
        if columnCriteria.dropFirst().contains(where: { $0 != nil }) {
            for row in rows.dropFirst() {
                let option = row.first.flatMap { match($0, in: options) }
                for (i, cell) in row.enumerated().dropFirst() where i < columnCriteria.count { add(option, columnCriteria[i], cell) }
            }
        } else if columnOptions.dropFirst().contains(where: { $0 != nil }) {
            for row in rows.dropFirst() {
                let criterion = row.first.flatMap { match($0, in: criteria) }
                for (i, cell) in row.enumerated().dropFirst() where i < columnOptions.count { add(columnOptions[i], criterion, cell) }
            }
        } else {
            for row in rows where row.count >= 3 {
                add(match(row[0], in: options), match(row[1], in: criteria), row[2])
            }
        }
        return found
    }

    /// `Option — Criterion: 7/10` lines, or `Criterion: 7/10` lines under a line naming the option.
    static func lineScores(_ text: String, options: [String], criteria: [String]) -> [ParsedScore] {
        var found: [ParsedScore] = []
        var current: String?
        for line in lines(text) {
            let body = stripMarkup(listItem(line) ?? line)
            guard !body.isEmpty else { continue }
            let option = mentioned(options, in: body)
            guard let criterion = mentioned(criteria, in: body) else {
                if let short = shortenedScore(body, options: options, criteria: criteria, current: current) {
                    current = short.option
                    found.append(short)
                } else if let option {
                    // A line naming one option and no criterion opens that option's block.
                    current = option.name
                }
                continue
            }
            // Who the line is about: the option it names, else a shortened label before the
            // criterion, else (for a bare "Cost: 7" line) the option block it is in.
            let before = String(body[..<criterion.range.lowerBound]).trimmingCharacters(in: CharacterSet.alphanumerics.inverted)
            let owner: String?
            if let option {
                owner = option.name
            } else if before.isEmpty {
                owner = current
            } else {
                owner = match(before, in: options)
            }
            if let owner { current = owner }
            // The number comes after the names, so "Option 2 - Cost: 7" reads 7.
            let end = max(criterion.range.upperBound, option.map { $0.range.upperBound } ?? criterion.range.upperBound)
            guard let owner, let value = scoreValue(String(body[end...])) else { continue }
            found.append(ParsedScore(option: owner, criterion: criterion.name, value: value))
        }
        return found
    }

    /// `Startup - Pay: 7/10` when the names are shortened: the label before the number is split
    /// into an option part and a criterion part and each is matched loosely; a label with only a
    /// criterion belongs to the current option block.
    static func shortenedScore(_ line: String, options: [String], criteria: [String], current: String?) -> ParsedScore? {
        guard let parts = firstMatch(#"^(.+?)\s*[:=]\s*(.+)$"#, in: line), let value = scoreValue(parts[2]) else { return nil }
        let label = parts[1]
        for separator in [" - ", " — ", " – ", ", ", " on ", " / "] {
            guard let range = label.range(of: separator) else { continue }
            let optionPart = String(label[..<range.lowerBound]), criterionPart = String(label[range.upperBound...])
            if let option = match(optionPart, in: options), let criterion = match(criterionPart, in: criteria) {
                return ParsedScore(option: option, criterion: criterion, value: value)
            }
        }
        if let current, let criterion = match(label, in: criteria) {
            return ParsedScore(option: current, criterion: criterion, value: value)
        }
        return nil
    }

    /// A score in a cell or after a name: `7/10`, `7 out of 10`, `: 7`, `**7**`. Nil outside 1-10.
    static func scoreValue(_ text: String) -> Int? {
        let lower = text.lowercased()
        if let match = firstMatch(#"(\d{1,2}(?:\.\d+)?)\s*(?:/\s*10|out of 10)"#, in: lower) { return integer(match[1]) }
        if let match = firstMatch(#"^[\s:=\-–—*(]*(?:score\s*[:=]?\s*)?(\d{1,2}(?:\.\d+)?)(?!\s*/\s*\d)(?:\b|$)"#, in: lower) { return integer(match[1]) }
        return nil
    }

    private static func integer(_ text: String) -> Int? {
        guard let value = Double(text), value == value.rounded(), let int = Int(exactly: value),
            DecisionScore.valueRange.contains(int)
        else { return nil }
        return int
    }

    // MARK: - Names

    /// The known name `text` refers to: the same words, or "Option 2"/"Option B"/"B" for the second.
    static func match(_ text: String, in names: [String]) -> String? {
        let key = comparable(text)
        guard !key.isEmpty else { return nil }
        if let exact = names.first(where: { comparable($0) == key }) { return exact }
        // "Option 2", "option B" or a bare letter; a bare number is more often a line's numbering.
        if let match = firstMatch(#"^(?:option\s*([a-h]|[1-8])|([a-h]))$"#, in: key) {
            let token = match[1].isEmpty ? match[2] : match[1]
            let index = Int(token).map { $0 - 1 } ?? Int(token.unicodeScalars.first!.value) - 97
            if names.indices.contains(index) { return names[index] }
        }
        let containing = names.filter { key.contains(comparable($0)) || comparable($0).contains(key) }
        return containing.count == 1 ? containing[0] : containing.max { comparable($0).count < comparable($1).count }
    }

    /// The longest known name that appears in a line, with where it ends.
    static func mentioned(_ names: [String], in line: String) -> (name: String, range: Range<String.Index>)? {
        var best: (name: String, range: Range<String.Index>)?
        for name in names {
            guard let range = line.range(of: DecisionNames.clean(name), options: [.caseInsensitive, .diacriticInsensitive]) else { continue }
            if best == nil || name.count > best!.name.count { best = (name, range) }
        }
        return best
    }

    static func comparable(_ text: String) -> String {
        let lowered = stripMarkup(text).lowercased()
        let kept = lowered.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        return String(kept).split(separator: " ").joined(separator: " ")
    }

    // MARK: - Lines and markup

    enum Section { case pros, cons }

    static func lines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `Pros:`, `**Cons**`, `Advantages:`, `### Disadvantages` and what follows on the same line.
    /// "Pros of the startup job:" is a heading too, but its words are not a point.
    static func sectionHeading(_ line: String) -> (section: Section, rest: String)? {
        let body = stripMarkup(listItem(line) ?? line)
        let words = "(pros|cons|advantages|disadvantages|benefits|drawbacks|upsides|downsides)"
        var found: (word: String, rest: String)?
        if let match = firstMatch("^" + words + #"\s*(?:\([^)]*\))?\s*[:\-–—]\s*(.*)$"#, in: body, caseInsensitive: true) {
            found = (match[1], match[2])
        } else if let match = firstMatch("^" + words + #"(?:\s*$|\b[^:]{0,60}:\s*$)"#, in: body, caseInsensitive: true) {
            found = (match[1], "")
        }
        guard let found else { return nil }
        let section: Section = ["pros", "advantages", "benefits", "upsides"].contains(found.word.lowercased()) ? .pros : .cons
        return (section, found.rest)
    }

    /// The text of a numbered (`1.`, `2)`), lettered (`A.`) or bulleted (`-`, `*`, `•`) list line.
    static func listItem(_ line: String) -> String? {
        guard let match = firstMatch(#"^\s*(?:\d{1,2}[.)]|[A-Ha-h][.)]|[-*•+])\s+(.+)$"#, in: line) else { return nil }
        return match[1]
    }

    /// `Options: A, B or C` → the names.
    static func inlineList(_ line: String, labels: [String]) -> [String]? {
        let body = stripMarkup(line)
        guard let match = firstMatch(#"^(\w+)\s*:\s*(.+)$"#, in: body), labels.contains(match[1].lowercased()) else { return nil }
        let parts = match[2].replacingOccurrences(of: " or ", with: ",").replacingOccurrences(of: " and ", with: ",")
            .split(separator: ",").map { cleanName(String($0)) }.filter { !$0.isEmpty && $0.count <= 60 }
        return parts.isEmpty ? nil : parts
    }

    struct ListStyle {
        enum Marker { case number, letter, bullet }
        var marker: Marker
        var indent: Int
    }

    static func listStyle(_ line: String) -> ListStyle {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        let first = line.dropFirst(indent).first ?? "-"
        let marker: ListStyle.Marker = first.isNumber ? .number : first.isLetter ? .letter : .bullet
        return ListStyle(marker: marker, indent: indent)
    }

    /// A list item reduced to a name: "Option 1: Move to Berlin - cheaper rent" → "Move to Berlin".
    static func shortName(_ item: String) -> String? {
        var text = stripMarkup(item)
        if let match = firstMatch(#"^option\s*(?:\d+|[a-h])\s*[:.)\-–—]\s*(.+)$"#, in: text, caseInsensitive: true) { text = match[1] }
        for separator in [": ", " — ", " – ", " - ", " (", ". "] {
            if let range = text.range(of: separator), text.distance(from: text.startIndex, to: range.lowerBound) >= 2 {
                text = String(text[..<range.lowerBound])
            }
        }
        let name = cleanName(text)
        guard !name.isEmpty, name.count <= 60, name.rangeOfCharacter(from: .letters) != nil,
            !isRecommendation(name), name.split(separator: " ").count <= 8
        else { return nil }
        return name
    }

    static func cleanName(_ text: String) -> String {
        var name = stripMarkup(text)
        while let last = name.last, ".:;,".contains(last) { name.removeLast() }
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        return DecisionNames.clean(name)
    }

    static func cleanPoint(_ text: String) -> String {
        var point = DecisionNames.clean(stripMarkup(text))
        while let last = point.last, ";,".contains(last) { point.removeLast() }
        return point
    }

    /// Without Markdown emphasis, heading marks and surrounding space.
    static func stripMarkup(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "").replacingOccurrences(of: "`", with: "")
        while out.hasPrefix("#") { out.removeFirst() }
        return out.trimmingCharacters(in: .whitespaces)
    }

    static func isRecommendation(_ text: String) -> Bool {
        stripMarkup(text).lowercased().hasPrefix("recommend")
    }

    static func oneLine(_ text: String) -> String {
        DecisionNames.clean(stripMarkup(text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""))
    }

    static func strings(_ value: Any?) -> [String] {
        if let array = value as? [Any] { return array.compactMap { $0 as? String }.map(cleanPoint).filter { !$0.isEmpty } }
        if let single = value as? String { return single.split(separator: ";").map { cleanPoint(String($0)) }.filter { !$0.isEmpty } }
        return []
    }

    static func number(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return integer(number.stringValue) ?? (Int(exactly: number.doubleValue)) }
        if let text = value as? String { return scoreValue(text) ?? Int(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert(DecisionNames.key($0)).inserted }
    }

    static func uniqueCriteria(_ criteria: [ParsedCriterion]) -> [ParsedCriterion] {
        var seen = Set<String>()
        return criteria.filter { !$0.name.isEmpty && seen.insert(DecisionNames.key($0.name)).inserted }
    }

    /// The capture groups of the first match (index 0 is the whole match).
    static func firstMatch(_ pattern: String, in text: String, caseInsensitive: Bool = false) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []) else { return nil }
        let range = NSRange(text.startIndex..., in: text)
        guard let result = regex.firstMatch(in: text, range: range) else { return nil }
        return (0..<result.numberOfRanges).map { i in
            Range(result.range(at: i), in: text).map { String(text[$0]) } ?? ""
        }
    }
}
