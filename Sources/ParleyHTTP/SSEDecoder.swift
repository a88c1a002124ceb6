import Foundation

/// One server-sent event: the fields of one block of lines ended by a blank line.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, when the server named the event type.
    public var event: String?
    /// The `data:` lines joined by newlines.
    public var data: String
    /// The last `id:` seen in the stream so far.
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// Turns the bytes of a `text/event-stream` body into events, however the network splits them.
///
/// A pure value: feed it chunks as they arrive and collect the events that became complete. Lines
/// are split on bytes (LF, CRLF or a lone CR) and decoded as UTF-8 only once whole, so a chunk
/// boundary inside a multi-byte character or between the CR and LF of a CRLF changes nothing.
/// Framing only: what the event data means is `OpenAIChunkInterpreter`'s business.
public struct SSEDecoder: Sendable {
    /// What one complete line produced.
    public enum Output: Sendable, Equatable {
        /// A complete event (a blank line ended a block that had data).
        case event(SSEEvent)
        /// A line that is not server-sent events at all (an HTML page, a bare JSON body, ...).
        /// Lines of the form `name: value` with an unknown field name are ignored, as the
        /// standard says; only lines that cannot be a field come out here.
        case invalidLine(String)
    }

    /// Bytes of the line being read.
    private var line: [UInt8] = []
    /// The previous chunk ended on a CR: a LF at the start of the next chunk belongs to it.
    private var pendingCR = false
    private var atStreamStart = true
    private var dataLines: [String] = []
    private var hasData = false
    private var eventType: String?
    /// The `id:` field carries over from event to event, as the standard says.
    public private(set) var lastEventID: String?
    /// The reconnection delay the server asked for with `retry:`, in milliseconds.
    public private(set) var retryMilliseconds: Int?
    /// How many lines with an unknown field name were skipped.
    public private(set) var ignoredLineCount = 0
    /// How many `:` comment lines (keep-alives) arrived.
    public private(set) var commentCount = 0
    /// The stream so far ends inside a line or inside an event (no blank line after it yet).
    public var hasIncompleteEvent: Bool { !line.isEmpty || hasData }

    /// The longest line kept, and the most data one event may gather over its lines; a longer
    /// line or event is reported as invalid and skipped, so a hostile or broken server cannot
    /// make the client buffer without bound.
    public let maxLineBytes: Int
    private var skippingLongLine = false
    private var dataBytes = 0
    /// The event being read grew past `maxLineBytes`: its lines are dropped until the blank line.
    private var skippingLongEvent = false

    public init(maxLineBytes: Int = 8 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds one chunk of bytes; returns what became complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Output] where Bytes.Element == UInt8 {
        var out: [Output] = []
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            feed(buffer: buffer, into: &out)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { feed(buffer: $0, into: &out) }
        }
        return out
    }

    /// Feeds `Data` (the type URLSession delivers).
    public mutating func feed(_ data: Data) -> [Output] {
        var out: [Output] = []
        data.withUnsafeBytes { raw in
            feed(buffer: raw.bindMemory(to: UInt8.self), into: &out)
        }
        return out
    }

    /// Scans for line ends and copies whole runs of bytes at once rather than byte by byte.
    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, into out: inout [Output]) {
        var index = 0
        let count = buffer.count
        while index < count {
            if pendingCR {
                pendingCR = false
                if buffer[index] == 0x0A {
                    index += 1
                    continue
                }
            }
            var end = index
            while end < count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
            if end > index && !skippingLongLine {
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
                if line.count > maxLineBytes {
                    out.append(.invalidLine("a line longer than \(maxLineBytes) bytes"))
                    line.removeAll()
                    skippingLongLine = true
                }
            }
            guard end < count else { return }
            if skippingLongLine {
                // The end of the overlong line: drop it, resume with the next one.
                skippingLongLine = false
                if buffer[end] == 0x0D { pendingCR = true }
                index = end + 1
                continue
            }
            if buffer[end] == 0x0D { pendingCR = true }
            endLine(into: &out)
            index = end + 1
        }
    }

    /// Ends the stream. A block of complete lines that lacks only its closing blank line is still
    /// dispatched (some servers omit it on the last event); an unfinished line is dropped, since
    /// it was cut off and cannot be trusted.
    public mutating func finish() -> [Output] {
        line.removeAll()
        skippingLongLine = false
        pendingCR = false
        var out: [Output] = []
        dispatch(into: &out)
        return out
    }

    private mutating func endLine(into out: inout [Output]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if atStreamStart {
            atStreamStart = false
            // A UTF-8 byte order mark before the first line is not part of it.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty {
            dispatch(into: &out)
            return
        }
        if bytes.first == UInt8(ascii: ":") {
            commentCount += 1
            return
        }
        let field: String
        var value: ArraySlice<UInt8> = []
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: bytes[..<colon], as: UTF8.self)
            value = bytes[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = String(decoding: bytes, as: UTF8.self)
        }
        switch field {
        case "data":
            if skippingLongEvent { return }
            dataBytes += value.count + 1
            if dataBytes > maxLineBytes {
                out.append(.invalidLine("an event longer than \(maxLineBytes) bytes"))
                dataLines.removeAll()
                hasData = false
                skippingLongEvent = true
                return
            }
            dataLines.append(String(decoding: value, as: UTF8.self))
            hasData = true
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                retryMilliseconds = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            if Self.isFieldName(field) {
                ignoredLineCount += 1
            } else {
                out.append(.invalidLine(String(decoding: bytes, as: UTF8.self)))
            }
        }
    }

    private mutating func dispatch(into out: inout [Output]) {
        defer {
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
            dataBytes = 0
            skippingLongEvent = false
        }
        guard hasData else { return }
        let data = dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")
        out.append(.event(SSEEvent(event: eventType.flatMap { $0.isEmpty ? nil : $0 }, data: data, id: lastEventID)))
    }

    /// A plausible field name: letters, digits, `-` and `_`, not too long. Anything else (`<html>`,
    /// `{"error": ...}`) means the body is not an event stream.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 32
            && name.utf8.allSatisfy { b in
                (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
                    || b == 0x5F
            }
    }
}
