import CSHA256
import Foundation

/// SHA-256 of a byte stream, fed in pieces as they arrive (see `CSHA256` for the implementation,
/// which uses the processor's SHA instructions when it has them: hashing must keep up with a
/// download from this machine).
public struct SHA256Hasher: Sendable {
    private var context = csha256_context()

    public init() {
        csha256_init(&context)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        csha256_update(&context, base, bytes.count)
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lowercase hex digits.
    public mutating func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        csha256_final(&context, &digest)
        return digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    public static func hex(of data: Data) -> String {
        var hasher = SHA256Hasher()
        hasher.update(data)
        return hasher.finish()
    }

    /// True when `text` is a SHA-256 written as 64 hex digits (either case).
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
