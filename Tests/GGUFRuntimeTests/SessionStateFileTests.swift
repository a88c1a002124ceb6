import ParleyTestThreads
import Testing
@testable import GGUFRuntime

/// Saved session states: read back they give a fresh evaluation's logits; anything damaged,
/// foreign or hostile is refused and leaves the session empty.
@Suite(.heavy) struct SessionStateFileTests {
    struct OutOfBytes: Error {}

    static func bytes(of session: LlamaSession) throws -> [UInt8] {
        var out: [UInt8] = []
        try SessionStateFile.write(session) { out += $0 }
        return out
    }

    /// Reads a state from `bytes`, claiming `byteCount` (the file's size); the source throws when
    /// the bytes run out.
    static func restore(_ bytes: [UInt8], into session: LlamaSession, byteCount: Int? = nil) throws {
        var offset = 0
        let source: SessionStateFile.Source = { buffer in
            guard offset + buffer.count <= bytes.count else { throw OutOfBytes() }
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + buffer.count)])) }
            offset += buffer.count
        }
        let header = try SessionStateFile.readHeader(for: session, byteCount: byteCount ?? bytes.count, from: source)
        try SessionStateFile.restore(header, into: session, from: source)
    }

    static func tiny(contextLength: Int? = nil, extraKey: Bool = false, numerics: NumericsOrder = .avx512) throws -> LlamaModel {
        var writer = LlamaModelLoadTests.tinyModel()
        if extraKey { writer.add("general.name", .string("another")) }
        return try LlamaModel(file: GGUFFile(bytes: writer.bytes()), contextLength: contextLength, threads: 1, numerics: numerics)
    }

    static let prompt: [Int32] = (0..<40).map { Int32(($0 * 7 + 3) % 16) }

    @Test func checksumIsTheSameHoweverTheStreamIsSplit() {
        let data: [UInt8] = (0..<301).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var whole = StateChecksum()
        data.withUnsafeBytes { whole.update($0) }
        for cuts in [[1], [7, 8, 9], [31, 32, 33, 100], [3, 5, 200, 299]] {
            var split = StateChecksum()
            var start = 0
            for cut in cuts + [data.count] {
                data.withUnsafeBytes { split.update(UnsafeRawBufferPointer(rebasing: $0[start..<cut])) }
                start = cut
            }
            #expect(split.value == whole.value, "cut at \(cuts)")
        }
        // A longer run of zeros is another stream.
        var eight = StateChecksum(), sixteen = StateChecksum()
        [UInt8](repeating: 0, count: 8).withUnsafeBytes { eight.update($0) }
        [UInt8](repeating: 0, count: 16).withUnsafeBytes { sixteen.update($0) }
        #expect(eight.value != sixteen.value)
        #expect(eight.value != StateChecksum().value)
    }

    @Test func aRestoredStateIsReusedAndGivesFreshLogits() throws {
        let model = try Self.tiny()
        let session = model.makeSession()
        _ = try session.evaluatePrompt(Self.prompt)
        let bytes = try Self.bytes(of: session)
        #expect(bytes.count == SessionStateFile.byteCount(tokens: 40, of: session))
        let restored = model.makeSession()
        _ = try restored.evaluate(tokens: [5, 6, 7])
        try Self.restore(bytes, into: restored)
        #expect(restored.tokens == Self.prompt)
        #expect(restored.paths == session.paths)
        let longer = Self.prompt + [1, 2, 3, 4, 5]
        let (logits, evaluated) = try restored.evaluatePrompt(longer)
        #expect(evaluated == 5)
        #expect(logits == (try model.makeSession().evaluate(tokens: longer)))
    }

    @Test func everyFlippedBitIsRefused() throws {
        let model = try Self.tiny()
        let session = model.makeSession()
        _ = try session.evaluatePrompt(Self.prompt)
        let bytes = try Self.bytes(of: session)
        var rng = TestRandom(seed: 5)
        // Every byte of the header, and random bytes of the keys and values and the final checksum.
        let header = SessionStateFile.headerSize(tokens: Self.prompt.count)
        let offsets = Array(0..<header) + (0..<400).map { _ in header + Int(rng.next() % UInt64(bytes.count - header)) }
        let target = model.makeSession()
        for offset in offsets {
            var damaged = bytes
            damaged[offset] ^= UInt8(1) << (rng.next() % 8)
            _ = try target.evaluate(tokens: [1])
            #expect(throws: (any Error).self, "bit flipped at byte \(offset)") { try Self.restore(damaged, into: target) }
            #expect(target.position <= 1, "at byte \(offset)")
            if target.position == 1 { target.reset() }
        }
    }

    @Test func cutShortOrPaddedIsRefused() throws {
        let model = try Self.tiny()
        let session = model.makeSession()
        _ = try session.evaluatePrompt(Self.prompt)
        let bytes = try Self.bytes(of: session)
        let target = model.makeSession()
        for length in Array(0..<200) + [bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            #expect(throws: (any Error).self) { try Self.restore(Array(bytes.prefix(length)), into: target) }
            // The file's size claimed whole but the bytes end early (a file cut while being read).
            #expect(throws: (any Error).self) { try Self.restore(Array(bytes.prefix(length)), into: target, byteCount: bytes.count) }
            #expect(target.position == 0)
        }
        #expect(throws: SessionStateError.self) { try Self.restore(bytes + [0], into: target) }
        #expect(throws: SessionStateError.self) { try Self.restore(bytes + [UInt8](repeating: 0, count: 4096), into: target) }
    }

    @Test func anotherModelOrContextIsRefused() throws {
        let session = try Self.tiny().makeSession()
        _ = try session.evaluatePrompt(Self.prompt)
        let bytes = try Self.bytes(of: session)
        let otherContext = try Self.tiny(contextLength: 64).makeSession()
        #expect(throws: SessionStateError.differentModel("a context of 128 tokens, not 64")) {
            try Self.restore(bytes, into: otherContext)
        }
        let otherFile = try Self.tiny(extraKey: true).makeSession()
        #expect(throws: SessionStateError.differentModel("another model file or other LoRA adapters (or a file changed since)")) {
            try Self.restore(bytes, into: otherFile)
        }
        // Computed in the AVX-512 build's order: not reused by a model following the AVX2 build's,
        // and the reverse.
        let otherOrder = try Self.tiny(numerics: .avx2).makeSession()
        #expect(throws: SessionStateError.differentModel("the other llama.cpp build's float order (avx512 or avx2)")) {
            try Self.restore(bytes, into: otherOrder)
        }
        _ = try otherOrder.evaluatePrompt(Self.prompt)
        #expect(throws: SessionStateError.differentModel("the other llama.cpp build's float order (avx512 or avx2)")) {
            try Self.restore(try Self.bytes(of: otherOrder), into: try Self.tiny().makeSession())
        }
    }

    /// A header that claims four billion tokens and a matching checksum is refused on its count,
    /// before anything is allocated for it.
    @Test func hostileCountsAreRefusedBeforeAllocating() throws {
        let session = try Self.tiny().makeSession()
        _ = try session.evaluatePrompt(Self.prompt)
        var bytes = try Self.bytes(of: session)
        let countOffset = 12 + SessionFingerprint.encodedSize
        for count in [UInt32.max, UInt32(129), 0] {
            withUnsafeBytes(of: count.littleEndian) { bytes.replaceSubrange(countOffset..<(countOffset + 4), with: $0) }
            #expect(throws: SessionStateError.self) { try Self.restore(bytes, into: session, byteCount: Int(Int32.max)) }
            #expect(throws: SessionStateError.self) { try Self.restore(bytes, into: session) }
        }
        #expect(throws: SessionStateError.notAState("no magic number")) {
            try Self.restore(Array("GGUF and then some bytes that are no state at all, long enough".utf8) + bytes, into: session)
        }
    }

    /// On the default model: a chat prompt saved, read into a new session and continued gives the
    /// fresh logits, evaluating only the new tokens.
    @Test func defaultModelRoundTrip() async throws {
        guard let (model, tokenizer, template) = try PrefixReuseTests.model() else { return }
        try await onOwnThread {
            let first = PrefixReuseTests.prompt(tokenizer, template, [("user", PrefixReuseTests.text(2, words: 200))])
            let session = model.makeSession()
            _ = try session.evaluatePrompt(first)
            let bytes = try Self.bytes(of: session)
            let restored = model.makeSession()
            try Self.restore(bytes, into: restored)
            let next = PrefixReuseTests.prompt(
                tokenizer, template,
                [("user", PrefixReuseTests.text(2, words: 200)), ("assistant", "Yes."), ("user", "Why?")])
            let (logits, evaluated) = try restored.evaluatePrompt(next)
            #expect(evaluated < 30)
            #expect(logits == (try model.makeSession().evaluate(tokens: next)))
        }
    }
}
