/// `/image PROMPT [options]` in the chat, parsed: the same options as `parley image` that make
/// sense inside a chat (no `-o`, `--json` or `--images`). Pure; the shell turns it into a request
/// for the configured image backend and checks files and sizes there.
public struct PictureOrder: Sendable, Equatable {
    public var prompt: String
    public var negative: String?
    public var steps: Int?
    public var seed: Int64?
    /// `WIDTHxHEIGHT` as typed (the digits are checked here, the allowed range by the backend side).
    public var size: String?
    public var initFile: String?
    public var controlFile: String?
    public var controlModule: String?
    /// `--model`: the checkpoint or model for this picture (the backend resolves the name).
    public var model: String?

    public init(
        prompt: String, negative: String? = nil, steps: Int? = nil, seed: Int64? = nil, size: String? = nil, initFile: String? = nil,
        controlFile: String? = nil, controlModule: String? = nil, model: String? = nil
    ) {
        self.prompt = prompt
        self.negative = negative
        self.steps = steps
        self.seed = seed
        self.size = size
        self.initFile = initFile
        self.controlFile = controlFile
        self.controlModule = controlModule
        self.model = model
    }

    /// The options `/image` takes, each followed by a value (`--steps 20` or `--steps=20`).
    public static let options = ["--negative", "--steps", "--seed", "--size", "--init", "--control", "--control-module", "--model"]

    /// Reads the argument of `/image`. Words are split at blanks; a value with blanks is quoted
    /// (`--negative "blurry, dark"`). Words that are not options make up the prompt.
    public static func parse(_ argument: String) -> Result<PictureOrder, SlashCommand.ParseError> {
        func failure(_ text: String) -> Result<PictureOrder, SlashCommand.ParseError> { .failure(SlashCommand.ParseError(description: text)) }
        guard let words = split(argument) else { return failure("/image: a quote is not closed") }
        var order = PictureOrder(prompt: "")
        var promptWords: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                promptWords.append(word)
                continue
            }
            var name = word
            var value: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            }
            guard options.contains(name) else {
                return failure("/image does not know \(name) (it takes \(options.joined(separator: " ")))")
            }
            if value == nil {
                guard index < words.count else { return failure("/image: \(name) needs a value") }
                value = words[index]
                index += 1
            }
            let text = value ?? ""
            switch name {
            case "--negative": order.negative = text
            case "--steps":
                guard let steps = Int(text), (1...150).contains(steps) else { return failure("/image: --steps must be 1 to 150, not '\(text)'") }
                order.steps = steps
            case "--seed":
                guard let seed = Int64(text) else { return failure("/image: --seed must be a whole number, not '\(text)'") }
                order.seed = seed
            case "--size":
                let sides = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
                guard sides.count == 2, sides.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else {
                    return failure("/image: --size must be WIDTHxHEIGHT (512x768), not '\(text)'")
                }
                order.size = text.lowercased()
            case "--init": order.initFile = text
            case "--control": order.controlFile = text
            case "--model":
                guard !text.isEmpty else { return failure("/image: --model needs a name") }
                order.model = text
            default: order.controlModule = text
            }
        }
        order.prompt = promptWords.joined(separator: " ")
        if order.prompt.isEmpty { return failure("/image needs a prompt: /image a red fox in the snow [--steps N --seed N --size WxH]") }
        if (order.controlFile == nil) != (order.controlModule == nil) { return failure("/image: --control and --control-module go together") }
        return .success(order)
    }

    /// Blank-separated words; "..." and '...' at the start of a word hold blanks (an apostrophe
    /// inside a word, "fox's", is a letter). Nil when a quote is left open.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if (character == "\"" || character == "'") && !inWord {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { return nil }
        if inWord { words.append(current) }
        return words
    }
}
