/// Paths into a JSON value as messages show them: `$`, `$.options[0].name`, `$["a b"]`.
enum JSONPath {
    static let root = "$"

    static func appending(key: String, to path: String) -> String {
        var isPlain = !key.isEmpty
        for (offset, scalar) in key.unicodeScalars.enumerated() {
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == "$"
            let isDigit = ("0"..."9").contains(scalar)
            if !(isLetter || (offset > 0 && isDigit)) {
                isPlain = false
                break
            }
        }
        return isPlain ? "\(path).\(key)" : "\(path)[\(JSONWriter.quoted(key))]"
    }

    static func appending(index: Int, to path: String) -> String {
        "\(path)[\(index)]"
    }
}
