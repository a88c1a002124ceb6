/// A key the chat screen understands.
public enum Key: Sendable, Equatable {
    case character(Character)
    /// Ctrl plus a letter (`ctrl("c")`); Enter, Tab, Backspace and Ctrl-J have their own cases.
    case ctrl(Character)
    /// Alt (Meta) plus a character, sent by terminals as ESC and the character.
    case alt(Character)
    case enter, altEnter, ctrlJ, tab, backTab, backspace, altBackspace, delete, escape, insert
    case up, down, left, right, home, end, pageUp, pageDown
    case ctrlLeft, ctrlRight, altLeft, altRight, altUp, altDown, ctrlHome, ctrlEnd
    /// Alt-PgUp and Alt-PgDn (write mode pages through draft versions with them).
    case altPageUp, altPageDown
    case function(Int)
}

/// What the terminal sent, decoded.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    /// A bracketed paste: the whole pasted text, never typed key by key.
    case paste(String)
    /// A mouse wheel step (only when mouse reporting is on).
    case wheel(up: Bool)
    /// A sequence this decoder does not know; ignored by the reducer.
    case unknown
}

/// Turns the bytes a terminal sends into keys, pastes and wheel steps.
///
/// It understands UTF-8 (split anywhere between reads), C0 controls, ESC-prefixed Alt keys, CSI and
/// SS3 sequences in their xterm forms (with modifiers), SGR mouse reports and bracketed paste
/// (`ESC [200~ ... ESC [201~`, which can span any number of reads). An ESC that may start a
/// sequence is held back until more bytes come or the caller says the input went quiet (`flush`).
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasting = false
    private var pasteBytes: [UInt8] = []
    /// How far the paste buffer was already searched for its end marker.
    private var pasteScanned = 0

    public init() {}

    /// True when bytes are held back waiting for the rest of a sequence (the caller then reads with
    /// a short timeout and calls `flush` when nothing more comes). A paste in progress waits for
    /// its end marker however long it takes.
    public var isWaitingForMore: Bool { !pending.isEmpty && !pasting }
    public var isInPaste: Bool { pasting }

    public mutating func feed(_ bytes: [UInt8]) -> [InputEvent] {
        var events: [InputEvent] = []
        var input = pending
        input.append(contentsOf: bytes)
        pending = []
        var i = 0
        while i < input.count {
            if pasting {
                i = consumePaste(input, from: i, into: &events)
                continue
            }
            let b = input[i]
            switch b {
            case 0x1B:
                guard i + 1 < input.count else {
                    pending = Array(input[i...])
                    return events
                }
                if let (event, length) = decodeEscape(input, at: i) {
                    if event == nil && length == 0 {
                        pending = Array(input[i...])
                        return events
                    }
                    if let event { events.append(event) }
                    i += length
                    if pasting { pasteBytes = []; pasteScanned = 0 }
                } else {
                    events.append(.key(.escape))
                    i += 1
                }
            case 0x0D: events.append(.key(.enter)); i += 1
            case 0x0A: events.append(.key(.ctrlJ)); i += 1
            case 0x09: events.append(.key(.tab)); i += 1
            case 0x7F, 0x08: events.append(.key(.backspace)); i += 1
            case 0x00: i += 1
            case 0x01...0x1A:
                events.append(.key(.ctrl(Character(Unicode.Scalar(b + 0x60)))))
                i += 1
            case 0x1C...0x1F: events.append(.unknown); i += 1
            default:
                let (scalar, length) = decodeUTF8(input, at: i)
                if length == 0 {
                    pending = Array(input[i...])
                    return events
                }
                events.append(.key(.character(Character(scalar))))
                i += length
            }
        }
        return mergeGraphemes(events)
    }

    /// The input went quiet: whatever is held back is what it is (a lone ESC is the Escape key).
    public mutating func flush() -> [InputEvent] {
        guard !pending.isEmpty, !pasting else { return [] }
        let held = pending
        pending = []
        if held == [0x1B] { return [.key(.escape)] }
        if held.first == 0x1B, held.count == 2 {
            // ESC and an incomplete UTF-8 lead byte, or ESC [ / ESC O on its own: Alt-[ or Alt-O.
            if held[1] == 0x5B { return [.key(.alt("["))] }
            if held[1] == 0x4F { return [.key(.alt("O"))] }
        }
        if held.first == 0x1B { return [.unknown] }
        return [.key(.character("\u{FFFD}"))]
    }

    /// Consecutive typed scalars that form one grapheme (an emoji ZWJ sequence, a flag, a letter
    /// and its combining accent arriving together) become one character.
    private func mergeGraphemes(_ events: [InputEvent]) -> [InputEvent] {
        guard events.count > 1 else { return events }
        var out: [InputEvent] = []
        for event in events {
            if case .key(.character(let c)) = event, case .key(.character(let previous))? = out.last {
                let joined = String(previous) + String(c)
                if joined.count == 1 {
                    out[out.count - 1] = .key(.character(Character(joined)))
                    continue
                }
            }
            out.append(event)
        }
        return out
    }

    private mutating func consumePaste(_ input: [UInt8], from start: Int, into events: inout [InputEvent]) -> Int {
        pasteBytes.append(contentsOf: input[start...])
        let marker: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~
        var j = max(0, pasteScanned - marker.count + 1)
        while j + marker.count <= pasteBytes.count {
            if pasteBytes[j] == 0x1B && pasteBytes[j + 1] == 0x5B && Array(pasteBytes[j..<(j + marker.count)]) == marker {
                let text = String(decoding: pasteBytes[0..<j], as: UTF8.self)
                let rest = Array(pasteBytes[(j + marker.count)...])
                pasting = false
                pasteBytes = []
                pasteScanned = 0
                events.append(.paste(text))
                // The bytes after the marker are decoded as usual.
                pending = []
                var tail = self.feed(rest)
                events.append(contentsOf: tail)
                tail = []
                return input.count
            }
            j += 1
        }
        pasteScanned = pasteBytes.count
        return input.count
    }

    /// Decodes a sequence starting with ESC at `i`. Returns nil when ESC stands alone, (nil, 0)
    /// when more bytes are needed, or the event (nil for an ignored one) and the length consumed.
    private mutating func decodeEscape(_ input: [UInt8], at i: Int) -> (InputEvent?, Int)? {
        let next = input[i + 1]
        switch next {
        case 0x5B:  // CSI
            var j = i + 2
            while j < input.count && (0x20...0x3F).contains(input[j]) { j += 1 }
            guard j < input.count else { return (nil, 0) }
            let final = input[j]
            guard (0x40...0x7E).contains(final) else { return (.unknown, j - i + 1) }
            let parameters = String(decoding: input[(i + 2)..<j], as: UTF8.self)
            return (csi(parameters, final: final), j - i + 1)
        case 0x4F:  // SS3
            guard i + 2 < input.count else { return (nil, 0) }
            let key: Key?
            switch input[i + 2] {
            case 0x41: key = .up
            case 0x42: key = .down
            case 0x43: key = .right
            case 0x44: key = .left
            case 0x48: key = .home
            case 0x46: key = .end
            case 0x50: key = .function(1)
            case 0x51: key = .function(2)
            case 0x52: key = .function(3)
            case 0x53: key = .function(4)
            case 0x4D: key = .enter
            default: key = nil
            }
            return (key.map { .key($0) } ?? .unknown, 3)
        case 0x0D, 0x0A: return (.key(.altEnter), 2)
        case 0x7F, 0x08: return (.key(.altBackspace), 2)
        case 0x1B: return (.key(.escape), 1)
        default:
            if next < 0x20 { return (.key(.escape), 1) }
            let (scalar, length) = decodeUTF8(input, at: i + 1)
            if length == 0 { return (nil, 0) }
            return (.key(.alt(Character(scalar))), 1 + length)
        }
    }

    private mutating func csi(_ parameters: String, final: UInt8) -> InputEvent {
        if parameters.hasPrefix("<") {
            // SGR mouse: ESC [ < button ; x ; y M|m. 64 and 65 are the wheel.
            let fields = parameters.dropFirst().split(separator: ";")
            if final == 0x4D, let button = fields.first.flatMap({ Int($0) }) {
                if button & ~0x1C == 64 { return .wheel(up: true) }
                if button & ~0x1C == 65 { return .wheel(up: false) }
            }
            return .unknown
        }
        let fields = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = fields.first.flatMap { $0 } ?? 1
        let modifier = fields.count > 1 ? (fields[1] ?? 1) : 1
        let ctrl = (modifier - 1) & 4 != 0
        let alt = (modifier - 1) & 2 != 0
        switch final {
        case 0x41: return .key(alt ? .altUp : .up)
        case 0x42: return .key(alt ? .altDown : .down)
        case 0x43: return .key(ctrl ? .ctrlRight : alt ? .altRight : .right)
        case 0x44: return .key(ctrl ? .ctrlLeft : alt ? .altLeft : .left)
        case 0x48: return .key(ctrl ? .ctrlHome : .home)
        case 0x46: return .key(ctrl ? .ctrlEnd : .end)
        case 0x5A: return .key(.backTab)
        case 0x50: return .key(.function(1))
        case 0x51: return .key(.function(2))
        case 0x52: return .key(.function(3))
        case 0x53: return .key(.function(4))
        case 0x7E:
            switch first {
            case 1, 7: return .key(ctrl ? .ctrlHome : .home)
            case 4, 8: return .key(ctrl ? .ctrlEnd : .end)
            case 2: return .key(.insert)
            case 3: return .key(.delete)
            case 5: return .key(alt ? .altPageUp : .pageUp)
            case 6: return .key(alt ? .altPageDown : .pageDown)
            case 11...15: return .key(.function(first - 10))
            case 17...21: return .key(.function(first - 11))
            case 23, 24: return .key(.function(first - 12))
            case 200:
                pasting = true
                return .unknown
            case 27:
                // xterm modifyOtherKeys: ESC [ 27 ; mod ; code ~ (Alt-Enter, Ctrl-Enter on some setups).
                if fields.count > 2, let code = fields[2] {
                    if code == 13 { return .key(alt ? .altEnter : .enter) }
                    if let scalar = Unicode.Scalar(code) { return .key(alt ? .alt(Character(scalar)) : .character(Character(scalar))) }
                }
                return .unknown
            default: return .unknown
            }
        case 0x75:
            // CSI u (fixterms / kitty): ESC [ code ; mod u.
            if first == 13 { return .key(alt ? .altEnter : .enter) }
            if first == 27 { return .key(.escape) }
            if ctrl, let scalar = Unicode.Scalar(first), scalar.properties.isAlphabetic { return .key(.ctrl(Character(scalar))) }
            return .unknown
        default:
            return .unknown
        }
    }

    /// One scalar from UTF-8; length 0 when the sequence is incomplete. Invalid bytes become U+FFFD.
    private func decodeUTF8(_ bytes: [UInt8], at i: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0x00..<0x80: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return ("\u{FFFD}", 1)
        }
        guard i + length <= bytes.count else {
            // Incomplete only if what is there is valid so far.
            for k in (i + 1)..<bytes.count where bytes[k] & 0xC0 != 0x80 { return ("\u{FFFD}", 1) }
            return ("\u{FFFD}", 0)
        }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", length) }
        return (scalar, length)
    }
}
