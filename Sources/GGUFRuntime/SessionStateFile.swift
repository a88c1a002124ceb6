/// A session's KV cache and the tokens it holds, as bytes: saved after a reply and read back by a
/// later process, so a conversation continued there evaluates only its new tokens.
///
/// Layout, little-endian:
///
///     magic "GGUFKVST", version (u32)
///     fingerprint (60 bytes, see SessionFingerprint)
///     token count n (u32), reserved (u32, 0)
///     n token ids (i32), n attention paths (u8), zeros to a multiple of 8
///     checksum of all the above (u64)
///     per layer: the keys of positions 0 ..< n, then their values (F16, as the cache holds
///     them: little-endian on every machine the runtime builds for)
///     checksum of the keys and values (u64)
///
/// Reading checks everything before using anything: the magic and version, the fingerprint
/// against the session's own, the count against the context before allocating, the file's length
/// against what the count implies, both checksums, every token id and path. A state that fails a
/// check leaves the session empty (the caller evaluates from scratch); it cannot give a wrong
/// answer short of a forged checksum.
public enum SessionStateFile {
    static let magic: [UInt8] = Array("GGUFKVST".utf8)
    public static let version: UInt32 = 1
    /// magic, version, fingerprint, count, reserved.
    static let fixedHeaderSize = 8 + 4 + SessionFingerprint.encodedSize + 4 + 4

    /// What a state holds, from its header: enough to decide whether it is worth reading on.
    public struct Header: Sendable, Equatable {
        public var tokens: [Int32]
        public var paths: [AttentionPath]
        /// The whole file's length.
        public var byteCount: Int
    }

    /// Reads exactly `buffer.count` bytes into `buffer`, or throws.
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Void
    /// Writes all of `buffer`, or throws.
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    static func headerSize(tokens: Int) -> Int {
        (fixedHeaderSize + tokens * 5 + 7) / 8 * 8 + 8
    }

    /// The bytes a state of `tokens` tokens of `session`'s model takes.
    public static func byteCount(tokens: Int, of session: LlamaSession) -> Int {
        headerSize(tokens: tokens) + payloadSize(tokens: tokens, of: session) + 8
    }

    static func payloadSize(tokens: Int, of session: LlamaSession) -> Int {
        session.model.hyperparameters.layerCount * 2 * tokens * session.kvStride * 2
    }

    /// Writes what `session` holds (its first `count` tokens, all by default).
    public static func write(_ session: LlamaSession, count: Int? = nil, to sink: Sink) throws {
        let n = min(count ?? session.position, session.position)
        var header: [UInt8] = []
        header.reserveCapacity(headerSize(tokens: n))
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { header += $0 } }
        header += magic
        put(version)
        header += SessionFingerprint(session).encoded
        put(UInt32(n))
        put(UInt32(0))
        for token in session.tokens.prefix(n) { put(token) }
        header += session.paths.prefix(n).map(\.rawValue)
        while header.count % 8 != 0 { header.append(0) }
        var checksum = StateChecksum()
        header.withUnsafeBytes { checksum.update($0) }
        put(checksum.value)
        try header.withUnsafeBytes { try sink($0) }

        var payload = StateChecksum()
        try forEachLayerRange(of: session, tokens: n) { range in
            let bytes = UnsafeRawBufferPointer(range)
            payload.update(bytes)
            try sink(bytes)
        }
        try withUnsafeBytes(of: payload.value.littleEndian) { try sink($0) }
    }

    /// Reads and checks the header of a state of `byteCount` bytes for `session`.
    public static func readHeader(for session: LlamaSession, byteCount: Int, from source: Source) throws -> Header {
        guard byteCount >= fixedHeaderSize else { throw SessionStateError.notAState("\(byteCount) bytes is too short") }
        var fixed = [UInt8](repeating: 0, count: fixedHeaderSize)
        try fixed.withUnsafeMutableBytes { try source($0) }
        guard Array(fixed.prefix(8)) == magic else { throw SessionStateError.notAState("no magic number") }
        let (fileVersion, saved, count) = fixed.withUnsafeBytes { raw in
            (UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             SessionFingerprint(decoding: UnsafeRawBufferPointer(rebasing: raw[12..<(12 + SessionFingerprint.encodedSize)])),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12 + SessionFingerprint.encodedSize, as: UInt32.self))))
        }
        guard fileVersion == version else { throw SessionStateError.notAState("version \(fileVersion), this runtime reads \(version)") }
        if let difference = SessionFingerprint(session).difference(from: saved) {
            throw SessionStateError.differentModel(difference)
        }
        // The count is checked before anything is allocated for it.
        guard count >= 1, count <= session.contextLength else {
            throw SessionStateError.corrupt("\(count) tokens for a context of \(session.contextLength)")
        }
        guard byteCount == self.byteCount(tokens: count, of: session) else {
            throw SessionStateError.corrupt("\(byteCount) bytes where \(count) tokens take \(self.byteCount(tokens: count, of: session))")
        }
        var rest = [UInt8](repeating: 0, count: headerSize(tokens: count) - fixedHeaderSize)
        try rest.withUnsafeMutableBytes { try source($0) }
        var checksum = StateChecksum()
        fixed.withUnsafeBytes { checksum.update($0) }
        rest.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0.dropLast(8))) }
        let stored = rest.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $0.count - 8, as: UInt64.self)) }
        guard stored == checksum.value else { throw SessionStateError.corrupt("the header's checksum does not match") }
        var tokens: [Int32] = []
        var paths: [AttentionPath] = []
        tokens.reserveCapacity(count)
        paths.reserveCapacity(count)
        try rest.withUnsafeBytes { raw in
            for i in 0..<count {
                let token = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                guard token >= 0, Int(token) < session.model.vocabularySize else {
                    throw SessionStateError.corrupt("token id \(token) is outside the vocabulary")
                }
                tokens.append(token)
            }
            for i in 0..<count {
                guard let path = AttentionPath(rawValue: raw[4 * count + i]) else {
                    throw SessionStateError.corrupt("unknown attention path \(raw[4 * count + i])")
                }
                paths.append(path)
            }
        }
        return Header(tokens: tokens, paths: paths, byteCount: byteCount)
    }

    /// Reads the keys and values that follow `header` into `session`, which then holds the state's
    /// tokens. Whatever the session held is dropped first; if the data does not check out the
    /// session is left empty and this throws.
    public static func restore(_ header: Header, into session: LlamaSession, from source: Source) throws {
        session.reset()
        let n = header.tokens.count
        guard n <= session.contextLength, header.paths.count == n,
              header.byteCount == byteCount(tokens: n, of: session) else {
            throw SessionStateError.corrupt("the header does not fit this session")
        }
        var checksum = StateChecksum()
        try forEachLayerRange(of: session, tokens: n) { range in
            try source(range)
            checksum.update(UnsafeRawBufferPointer(range))
        }
        var stored: UInt64 = 0
        try withUnsafeMutableBytes(of: &stored) { try source($0) }
        guard UInt64(littleEndian: stored) == checksum.value else {
            throw SessionStateError.corrupt("the keys' and values' checksum does not match")
        }
        session.hold(tokens: header.tokens, paths: header.paths)
    }

    /// Calls `body` with the bytes of the keys, then the values, of positions 0 ..< tokens of each
    /// layer in turn: the payload's order.
    private static func forEachLayerRange(
        of session: LlamaSession, tokens: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        let rowHalves = tokens * session.kvStride
        for layer in 0..<session.model.hyperparameters.layerCount {
            let offset = layer * session.contextLength * session.kvStride
            for cache in [session.kCache, session.vCache] {
                try body(UnsafeMutableRawBufferPointer(start: cache + offset, count: rowHalves * 2))
            }
        }
    }
}
