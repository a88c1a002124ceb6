import CSHA256
import Foundation
import ParleyModels
import ParleyTestSupport
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(text: String, digest: String) {
        #expect(SHA256Hasher.hex(of: Data(text.utf8)) == digest)
    }

    @Test func aMillionAs() {
        #expect(SHA256Hasher.hex(of: Data(repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The SHA-extension code and the portable code agree on every length around the block and
    /// padding edges, however the bytes are split into pieces.
    @Test func bothBlockFunctionsAndAnySplitAgree() {
        var generator = SeededGenerator(seed: 42)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4097] {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            csha256_allow_sha_extensions(0)
            let portable = SHA256Hasher.hex(of: bytes)
            csha256_allow_sha_extensions(1)
            let chosen = SHA256Hasher.hex(of: bytes)
            var pieces = SHA256Hasher()
            var offset = 0
            while offset < length {
                let take = min(Int.random(in: 1...70, using: &generator), length - offset)
                pieces.update(bytes.subdata(in: offset..<offset + take))
                offset += take
            }
            #expect(portable == chosen, "length \(length)")
            #expect(pieces.finish() == chosen, "length \(length)")
        }
    }

    @Test func digestsAreRecognised() {
        #expect(SHA256Hasher.isDigest(String(repeating: "aF", count: 32)))
        #expect(!SHA256Hasher.isDigest(String(repeating: "g", count: 64)))
        #expect(!SHA256Hasher.isDigest("abc"))
    }
}
