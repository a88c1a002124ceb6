/// A 64-bit checksum of a byte stream, to tell a saved state that was cut short, padded or had
/// bits flipped from the one written. Not a defence against someone who forges files: it only
/// has to be fast (tens of megabytes per save and per load) and to change with any change.
///
/// Four lanes take the stream's 8-byte words in turn, so the multiply chains run side by side;
/// each word is mixed in with a multiply and a rotation (which carries high bits back down). The
/// stream's length goes into the result, so a cut at a word boundary changes it too.
struct StateChecksum {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) =
        (0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1)
    private var words = 0
    private var pending: UInt64 = 0
    private var pendingBytes = 0
    private var length = 0

    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    private static func mix(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let product = (lane ^ word) &* multiplier
        return (product << 29) | (product >> 35)
    }

    @inline(__always)
    private mutating func take(_ word: UInt64) {
        switch words & 3 {
        case 0: lanes.0 = Self.mix(lanes.0, word)
        case 1: lanes.1 = Self.mix(lanes.1, word)
        case 2: lanes.2 = Self.mix(lanes.2, word)
        default: lanes.3 = Self.mix(lanes.3, word)
        }
        words += 1
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        length += count
        var i = 0
        while pendingBytes != 0 && i < count {
            pending |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            i += 1
            if pendingBytes == 8 {
                take(pending)
                pending = 0
                pendingBytes = 0
            }
        }
        while words & 3 != 0 && i + 8 <= count {
            take(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        // Whole groups of four words, one per lane, without the lane switch.
        if words & 3 == 0 {
            var (a, b, c, d) = lanes
            while i + 32 <= count {
                a = Self.mix(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                b = Self.mix(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
                c = Self.mix(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
                d = Self.mix(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
                i += 32
                words += 4
            }
            lanes = (a, b, c, d)
        }
        while i + 8 <= count {
            take(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < count {
            pending |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            i += 1
        }
    }

    mutating func update<T>(_ value: T) {
        withUnsafeBytes(of: value) { update($0) }
    }

    var value: UInt64 {
        var copy = self
        if copy.pendingBytes > 0 { copy.take(copy.pending) }
        var result = copy.lanes.0 ^ (copy.lanes.1 &* 3) ^ (copy.lanes.2 &* 5) ^ (copy.lanes.3 &* 7) ^ UInt64(copy.length)
        // A final avalanche, so every input bit reaches every output bit.
        result ^= result >> 33
        result &*= 0xFF51_AFD7_ED55_8CCD
        result ^= result >> 33
        result &*= 0xC4CE_B9FE_1A85_EC53
        result ^= result >> 33
        return result
    }
}
