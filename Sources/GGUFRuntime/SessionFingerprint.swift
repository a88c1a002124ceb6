/// What a saved session state was computed with. A state is used only where every field is
/// the same: the same model file (its size, modification time and a checksum of its header,
/// metadata and tensor infos, and of the same of each LoRA adapter applied with its scale), the
/// same cache shape and type, the same prompt chunking and the same numerics (version and the
/// llama.cpp build's order followed). The kernel level is not part of it: every level gives the same bits (the kernel
/// tests compare them), so a state saved under one serves under another.
public struct SessionFingerprint: Sendable, Equatable {
    /// Changes whenever a kernel's results change bit for bit, so states saved before are dropped.
    /// 2: llama.cpp's tiled k-quant and F16/F32 product orders.
    public static let numericsVersion: UInt32 = 2
    /// Added to the version for states computed in the AVX2 build's order (NumericsOrder).
    static let avx2OrderFlag: UInt32 = 1 << 16
    /// The KV cache's element type: GGML's F16.
    static let kvTypeF16: UInt32 = 1

    public var numerics: UInt32
    public var fileSize: UInt64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var headerChecksum: UInt64
    public var contextLength: UInt32
    public var kvType: UInt32
    public var layerCount: UInt32
    public var kvStride: UInt32
    public var chunkSize: UInt32
    public var tiledThreshold: UInt32

    /// Bytes it takes in a state file.
    static let encodedSize = 60

    /// The fingerprint of states of `session`.
    public init(_ session: LlamaSession) {
        let file = session.model.file
        var checksum = StateChecksum()
        checksum.update(file.headerBytes)
        // An adapter at scale 0 is the model without it, to the bit.
        for (adapter, spec) in zip(session.model.adapters, session.model.loras) where spec.scale != 0 {
            checksum.update(adapter.file.headerBytes)
            checksum.update(UInt64(adapter.file.fileSize))
            checksum.update(adapter.file.modificationTime.seconds)
            checksum.update(adapter.file.modificationTime.nanoseconds)
            checksum.update(spec.scale.bitPattern)
        }
        numerics = Self.numericsVersion | (session.model.numerics == .avx2 ? Self.avx2OrderFlag : 0)
        fileSize = UInt64(file.fileSize)
        (modifiedSeconds, modifiedNanoseconds) = file.modificationTime
        headerChecksum = checksum.value
        contextLength = UInt32(session.contextLength)
        kvType = Self.kvTypeF16
        layerCount = UInt32(session.model.hyperparameters.layerCount)
        kvStride = UInt32(session.kvStride)
        chunkSize = UInt32(LlamaSession.chunking.chunkSize)
        tiledThreshold = UInt32(LlamaSession.chunking.tiledThreshold)
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        var offset = 0
        func next<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        numerics = next(UInt32.self)
        fileSize = next(UInt64.self)
        modifiedSeconds = next(Int64.self)
        modifiedNanoseconds = next(Int64.self)
        headerChecksum = next(UInt64.self)
        contextLength = next(UInt32.self)
        kvType = next(UInt32.self)
        layerCount = next(UInt32.self)
        kvStride = next(UInt32.self)
        chunkSize = next(UInt32.self)
        tiledThreshold = next(UInt32.self)
    }

    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.encodedSize)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        put(numerics)
        put(fileSize)
        put(modifiedSeconds)
        put(modifiedNanoseconds)
        put(headerChecksum)
        put(contextLength)
        put(kvType)
        put(layerCount)
        put(kvStride)
        put(chunkSize)
        put(tiledThreshold)
        return out
    }

    /// What differs from `other`, in words, or nil when nothing does.
    func difference(from other: SessionFingerprint) -> String? {
        if numerics & ~Self.avx2OrderFlag == other.numerics & ~Self.avx2OrderFlag, numerics != other.numerics {
            return "the other llama.cpp build's float order (avx512 or avx2)"
        }
        if numerics != other.numerics { return "another version of the runtime's numerics" }
        if fileSize != other.fileSize || modifiedSeconds != other.modifiedSeconds
            || modifiedNanoseconds != other.modifiedNanoseconds || headerChecksum != other.headerChecksum {
            return "another model file or other LoRA adapters (or a file changed since)"
        }
        if contextLength != other.contextLength { return "a context of \(other.contextLength) tokens, not \(contextLength)" }
        if self != other { return "another cache layout" }
        return nil
    }
}
