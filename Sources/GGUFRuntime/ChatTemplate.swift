/// A piece of a rendered chat prompt: either the template's own text (markers such as
/// `<|im_start|>`, in which special tokens are recognised) or text that came from a message or a
/// role (tokenized as plain text, so typed look-alikes of special tokens stay ordinary text).
public struct ChatTemplateSegment: Sendable, Equatable {
    public let text: String
    public let isSpecial: Bool

    public init(_ text: String, special: Bool) {
        self.text = text
        self.isSpecial = special
    }
}

/// The chat template families the runtime can render without a Jinja engine.
public enum ChatTemplateKind: String, Sendable, CaseIterable {
    /// `<|im_start|>role\n...<|im_end|>\n` (SmolLM, Qwen, many others).
    case chatML
    /// `<|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>`.
    case llama3
    /// `[INST] ... [/INST]` as Llama 2 chat writes it (with or without `<<SYS>>` system blocks);
    /// also Mistral Instruct templates that carry no version marker, as in llama.cpp.
    case llama2
    /// `[INST] ... [/INST]` in Mistral's official v1 / v3 spelling (system text before the
    /// first instruction, `</s>` after each reply).
    case mistral
    /// `<|user|>\n...<|endoftext|>\n` (Zephyr, StableLM-Zephyr).
    case zephyr
    /// `<|user|>\n...<|end|>\n<|assistant|>\n` (Phi-3).
    case phi3
    /// `<start_of_turn>user\n...<end_of_turn>\n<start_of_turn>model\n` (Gemma); a system message
    /// goes at the start of the next user turn, as llama.cpp renders it.
    case gemma
}

/// A chat template recognised from a GGUF file's `tokenizer.chat_template`, rendered natively.
///
/// Rendering follows llama.cpp's built-in implementations of these templates (which is what
/// llama.cpp produces for them without Jinja), plus two things the Jinja templates do that those
/// leave out: the default system prompt some ChatML templates insert when the conversation has
/// none (SmolLM2's "You are a helpful AI assistant named SmolLM..."), and Llama 3.1+'s dated
/// system header. BOS is not rendered: encode with `addSpecial: true` and the tokenizer adds it
/// when the model asks for it. Tool-calling preambles, thinking tags and other extras of newer
/// templates are not reproduced.
public struct ChatTemplate: Sendable, Equatable {
    public let kind: ChatTemplateKind
    /// True when the file had no template or one we do not recognise, and ChatML is used.
    public let isFallback: Bool
    /// A system prompt the template inserts when the first message is not a system message.
    public let defaultSystemPrompt: String?
    /// Llama 2 variants (llama.cpp's detection): system messages in `<<SYS>>` (otherwise folded
    /// into the first instruction as plain text), `<s>` before every later turn, messages
    /// stripped of surrounding white space.
    public let llama2SupportsSystem: Bool
    public let llama2BOSInsideHistory: Bool
    public let llama2StripsMessages: Bool
    /// Mistral v1 puts a space before `[INST]` and `[/INST]`; v3 does not and trims replies.
    public let mistralV1: Bool
    /// Mistral v3 "Tekken" writes no space after `[INST]` nor before a reply.
    public let mistralTekken: Bool
    /// Zephyr's end-of-message marker (`<|endoftext|>` or `</s>`, whichever the template uses).
    public let zephyrEndMarker: String
    /// Llama 3.1 and later: the date their system header always carries ("Cutting Knowledge
    /// Date: December 2023 / Today Date: ..."); nil for Llama 3.0's plain form.
    public let llama3TodayDate: String?

    public init(
        kind: ChatTemplateKind, isFallback: Bool = false, defaultSystemPrompt: String? = nil,
        llama2SupportsSystem: Bool = true, llama2BOSInsideHistory: Bool = false,
        llama2StripsMessages: Bool = true, mistralV1: Bool = false, mistralTekken: Bool = false, zephyrEndMarker: String = "<|endoftext|>",
        llama3TodayDate: String? = nil
    ) {
        self.kind = kind
        self.isFallback = isFallback
        self.defaultSystemPrompt = defaultSystemPrompt
        self.llama2SupportsSystem = llama2SupportsSystem
        self.llama2BOSInsideHistory = llama2BOSInsideHistory
        self.llama2StripsMessages = llama2StripsMessages
        self.mistralV1 = mistralV1
        self.mistralTekken = mistralTekken
        self.zephyrEndMarker = zephyrEndMarker
        self.llama3TodayDate = llama3TodayDate
    }

    /// Recognises the template family from its Jinja source, with llama.cpp's tests (marker
    /// strings the template contains). Absent or unrecognised: ChatML, with `isFallback` set.
    /// `today` (as `formatDate` writes it) fills Llama 3.2's "Today Date"; templates that take
    /// no current date, or when it is nil, use the templates' own default, 26 Jul 2024.
    public static func detect(from jinjaSource: String?, today: String? = nil) -> ChatTemplate {
        guard let source = jinjaSource, !source.isEmpty else {
            return ChatTemplate(kind: .chatML, isFallback: true)
        }
        func has(_ marker: String) -> Bool { source.contains(marker) }
        if has("[gMASK]") {
            // ChatGLM / GLM: its own family, not one we render.
            return ChatTemplate(kind: .chatML, isFallback: true)
        }
        if has("<|im_start|>") {
            return ChatTemplate(kind: .chatML, defaultSystemPrompt: chatMLDefaultSystemPrompt(in: source))
        }
        if has("[INST]") {
            if has("' [INST] ' + system_message") || has("[AVAILABLE_TOOLS]") {
                let v1 = has(" [INST]")
                return ChatTemplate(kind: .mistral, mistralV1: v1, mistralTekken: !v1 && has("\"[INST]\""))
            }
            // Llama 2 and its variants, told apart as llama.cpp does.
            let strips = has("content.strip()")
            let bosInsideHistory = !strips && has("bos_token + '[INST]")
            return ChatTemplate(
                kind: .llama2,
                llama2SupportsSystem: strips || bosInsideHistory || has("<<SYS>>"),
                llama2BOSInsideHistory: bosInsideHistory,
                llama2StripsMessages: strips)
        }
        if has("<|assistant|>") && has("<|end|>") {
            return ChatTemplate(kind: .phi3)
        }
        if has("<|user|>") && has("<|assistant|>") && !has("<|end|>") {
            return ChatTemplate(kind: .zephyr, zephyrEndMarker: has("<|endoftext|>") ? "<|endoftext|>" : "</s>")
        }
        if has("<|start_header_id|>") && has("<|end_header_id|>") {
            guard has("Cutting Knowledge Date") else { return ChatTemplate(kind: .llama3) }
            let date = has("strftime_now") ? (today ?? defaultLlama3Date) : defaultLlama3Date
            return ChatTemplate(kind: .llama3, llama3TodayDate: date)
        }
        if has("<start_of_turn>") {
            return ChatTemplate(kind: .gemma)
        }
        return ChatTemplate(kind: .chatML, isFallback: true)
    }

    /// The date Llama 3.1+ templates write when not given one.
    public static let defaultLlama3Date = "26 Jul 2024"

    /// A date as Llama 3 templates write it (`strftime("%d %b %Y")`): "05 Dec 2026".
    public static func formatDate(day: Int, month: Int, year: Int) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let name = (1...12).contains(month) ? months[month - 1] : "Jan"
        return (day < 10 ? "0" : "") + "\(day) \(name) \(year)"
    }

    /// The system prompt a ChatML template writes when the first message is not a system one:
    /// the first string literal `'<|im_start|>system\n...<|im_end|>` holding fixed text, in a
    /// template that tests the first message's role.
    static func chatMLDefaultSystemPrompt(in source: String) -> String? {
        guard source.contains("'system'") || source.contains("\"system\"") else { return nil }
        for open in ["<|im_start|>system\\n", "<|im_start|>system\n"] {
            var rest = source[...]
            while let start = rest.firstRange(of: open) {
                rest = rest[start.upperBound...]
                guard let end = rest.firstRange(of: "<|im_end|>") else { break }
                let literal = rest[..<end.lowerBound]
                // Jinja expressions or quotes inside mean it is not one fixed prompt.
                if !literal.isEmpty && !literal.contains(where: { "{}'\"+".contains($0) }) {
                    return String(literal).replacingEscapedNewlines()
                }
            }
        }
        return nil
    }

    /// The text markers that end a turn in this template (stop tokens when they are tokens).
    public var endOfTurnMarkers: [String] {
        switch kind {
        case .chatML: return ["<|im_end|>"]
        case .llama3: return ["<|eot_id|>"]
        case .llama2, .mistral: return ["</s>"]
        case .zephyr: return [zephyrEndMarker]
        case .phi3: return ["<|end|>"]
        case .gemma: return ["<end_of_turn>"]
        }
    }

    /// The prompt as one string (what llama.cpp would tokenize with special parsing on).
    public func render(messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String {
        renderSegments(messages: messages, addGenerationPrompt: addGenerationPrompt).map(\.text).joined()
    }

    /// The prompt as segments: template markers special, roles and contents plain. Encode with
    /// `Tokenizer.encode(segments:)` so a user's text can never produce control tokens.
    public func renderSegments(messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> [ChatTemplateSegment] {
        var out: [ChatTemplateSegment] = []
        func marker(_ text: String) { out.append(ChatTemplateSegment(text, special: true)) }
        func plain(_ text: String) { out.append(ChatTemplateSegment(text, special: false)) }

        switch kind {
        case .chatML:
            var all = messages
            if let prompt = defaultSystemPrompt, all.first?.role != "system" {
                all.insert((role: "system", content: prompt), at: 0)
            }
            for message in all {
                marker("<|im_start|>"); plain(message.role + "\n"); plain(message.content)
                marker("<|im_end|>"); plain("\n")
            }
            if addGenerationPrompt { marker("<|im_start|>"); plain("assistant\n") }

        case .llama3:
            var rest = messages[...]
            if let date = llama3TodayDate {
                // Llama 3.1+: the system header is always there, with the dates first.
                var system = ""
                if let first = rest.first, first.role == "system" {
                    system = first.content.trimmingWhiteSpace()
                    rest = rest.dropFirst()
                }
                marker("<|start_header_id|>"); plain("system"); marker("<|end_header_id|>")
                plain("\n\nCutting Knowledge Date: December 2023\nToday Date: \(date)\n\n" + system)
                marker("<|eot_id|>")
            }
            for message in rest {
                marker("<|start_header_id|>"); plain(message.role); marker("<|end_header_id|>")
                plain("\n\n"); plain(message.content.trimmingWhiteSpace()); marker("<|eot_id|>")
            }
            if addGenerationPrompt {
                marker("<|start_header_id|>"); plain("assistant"); marker("<|end_header_id|>"); plain("\n\n")
            }

        case .llama2:
            var insideTurn = true
            marker("[INST]"); plain(" ")
            for message in messages {
                let content = llama2StripsMessages ? message.content.trimmingWhiteSpace() : message.content
                if !insideTurn {
                    insideTurn = true
                    if llama2BOSInsideHistory { marker("<s>") }
                    marker("[INST]"); plain(" ")
                }
                switch message.role {
                case "system":
                    if llama2SupportsSystem {
                        marker("<<SYS>>"); plain("\n" + content + "\n"); marker("<</SYS>>"); plain("\n\n")
                    } else {
                        plain(content + "\n")
                    }
                case "user":
                    plain(content + " "); marker("[/INST]")
                default:
                    plain(content); marker("</s>")
                    insideTurn = false
                }
            }

        case .mistral:
            let leading = mistralV1 ? " " : ""
            let trailing = mistralTekken ? "" : " "
            var insideTurn = false
            for message in messages {
                if !insideTurn {
                    plain(leading); marker("[INST]"); plain(trailing)
                    insideTurn = true
                }
                switch message.role {
                case "system":
                    plain(message.content + "\n\n")
                case "user":
                    plain(message.content + leading); marker("[/INST]")
                default:
                    let trims = !mistralV1 && !mistralTekken
                    plain(trailing + (trims ? message.content.trimmingWhiteSpace() : message.content)); marker("</s>")
                    insideTurn = false
                }
            }

        case .zephyr:
            for message in messages {
                marker("<|\(message.role)|>"); plain("\n" + message.content); marker(zephyrEndMarker); plain("\n")
            }
            if addGenerationPrompt { marker("<|assistant|>"); plain("\n") }

        case .phi3:
            for message in messages {
                marker("<|\(message.role)|>"); plain("\n" + message.content); marker("<|end|>"); plain("\n")
            }
            if addGenerationPrompt { marker("<|assistant|>"); plain("\n") }

        case .gemma:
            var system = ""
            for message in messages {
                if message.role == "system" {
                    system += message.content.trimmingWhiteSpace()
                    continue
                }
                let role = message.role == "assistant" ? "model" : message.role
                marker("<start_of_turn>"); plain(role + "\n")
                if !system.isEmpty && role != "model" {
                    plain(system + "\n\n")
                    system = ""
                }
                plain(message.content.trimmingWhiteSpace()); marker("<end_of_turn>"); plain("\n")
            }
            if addGenerationPrompt { marker("<start_of_turn>"); plain("model\n") }
        }
        return out.filter { !$0.text.isEmpty }
    }
}

private extension String {
    /// Trims spaces, tabs and newlines at both ends (llama.cpp's `trim`).
    func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" || s == "\u{0B}" || s == "\u{0C}" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    func replacingEscapedNewlines() -> String {
        var result = ""
        var iterator = makeIterator()
        while let c = iterator.next() {
            if c == "\\" {
                guard let n = iterator.next() else { result.append(c); break }
                result.append(n == "n" ? "\n" : n)
            } else {
                result.append(c)
            }
        }
        return result
    }
}
