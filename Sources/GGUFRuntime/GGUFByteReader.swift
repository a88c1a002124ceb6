/// A bounds-checked little-endian cursor over the bytes of a GGUF file. Every read
/// checks the remaining length first and throws `GGUFError.truncated` instead of
/// reading past the end.
struct GGUFByteReader {
    let base: UnsafeRawPointer
    let count: Int
    private(set) var offset: Int = 0

    init(base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    var remaining: Int { count - offset }

    private mutating func advance(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, n <= remaining else { throw GGUFError.truncated(what: what, offset: offset) }
        let start = offset
        offset += n
        return start
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        let at = try advance(1, what)
        return base.load(fromByteOffset: at, as: UInt8.self)
    }

    mutating func u16(_ what: String) throws -> UInt16 {
        let at = try advance(2, what)
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }

    mutating func u32(_ what: String) throws -> UInt32 {
        let at = try advance(4, what)
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        let at = try advance(8, what)
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// A u64 count or size that must fit an Int and, at `minimumBytesEach` bytes per
    /// item, the rest of the file: the guard against giant allocations.
    mutating func count(_ what: String, minimumBytesEach: Int) throws -> Int {
        let start = offset
        let raw = try u64(what)
        guard let n = Int(exactly: raw) else {
            throw GGUFError.invalid("\(what) \(raw) is impossibly large (at byte \(start))")
        }
        let (needed, overflow) = n.multipliedReportingOverflow(by: max(minimumBytesEach, 1))
        guard !overflow, needed <= remaining else {
            throw GGUFError.invalid("\(what) \(n) does not fit in the rest of the file (at byte \(start))")
        }
        return n
    }

    mutating func string(_ what: String) throws -> String {
        let length = try count("\(what) length", minimumBytesEach: 1)
        let at = try advance(length, what)
        let bytes = UnsafeRawBufferPointer(start: base + at, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }
}
