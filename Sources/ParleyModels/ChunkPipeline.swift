import Foundation

/// Hands a stream of bytes to `work` in chunks of `chunkSize`, run on a thread of its own, so that
/// the thread appending (the one reading the network) never waits for the hash or the disk while
/// there is room: at most `chunkCount` chunks are in flight, and an append waits for one to come
/// back when all are. A pull from this machine's test server spent a third of its time hashing on
/// the thread that reads the socket, while the other core waited.
///
/// One thread appends and drains; `work` runs on the pipeline's thread, one chunk at a time, in
/// order. The first error `work` throws is kept: nothing after it is handed to `work`, and the next
/// `append` or `drain` throws it.
final class ChunkPipeline: @unchecked Sendable {
    static let chunkSize = 2 << 20
    static let chunkCount = 4

    private let work: (UnsafeRawBufferPointer) throws -> Void
    private let condition = NSCondition()
    /// Chunks not in use, and all that were ever made (freed at `close`).
    private var spare: [UnsafeMutableRawBufferPointer] = []
    private var made: [UnsafeMutableRawBufferPointer] = []
    /// Full chunks waiting for `work`, and whether it is working on one now.
    private var waiting: [(chunk: UnsafeMutableRawBufferPointer, count: Int)] = []
    private var working = false
    private var failure: Error?
    private var closing = false
    private var running = false

    // The appending thread's own.
    private var current: UnsafeMutableRawBufferPointer?
    private var filled = 0

    init(work: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.work = work
    }

    /// Only reached when no chunk is at work (the thread holds the pipeline while it runs):
    /// frees the chunks; bytes still in the one being filled are dropped, as `work`'s owner may
    /// be going away too. Owners call `close()` first.
    deinit {
        for chunk in made { chunk.deallocate() }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            if current == nil { current = try takeSpareChunk() }
            let chunk = current!
            let n = min(chunk.count - filled, bytes.count - offset)
            chunk.baseAddress!.advanced(by: filled).copyMemory(from: bytes.baseAddress!.advanced(by: offset), byteCount: n)
            filled += n
            offset += n
            if filled == chunk.count { try submitCurrent() }
        }
    }

    /// Returns once everything appended has been through `work`; throws its first error.
    func drain() throws {
        try submitCurrent()
        condition.lock()
        defer { condition.unlock() }
        while !waiting.isEmpty || working { condition.wait() }
        if let failure { throw failure }
    }

    /// Forgets an error kept (the bytes after it are being thrown away anyway).
    func clearFailure() {
        condition.withLock { failure = nil }
    }

    /// Drains (errors are the caller's to have seen), stops the thread and frees the chunks.
    func close() {
        try? drain()
        condition.lock()
        closing = true
        condition.broadcast()
        while running { condition.wait() }
        for chunk in made { chunk.deallocate() }
        made = []
        spare = []
        condition.unlock()
        current = nil
        filled = 0
    }

    private func takeSpareChunk() throws -> UnsafeMutableRawBufferPointer {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        if spare.isEmpty && made.count < Self.chunkCount {
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
            made.append(chunk)
            return chunk
        }
        while spare.isEmpty {
            condition.wait()
            if let failure { throw failure }
        }
        return spare.removeLast()
    }

    private func submitCurrent() throws {
        guard let chunk = current else { return }
        let count = filled
        current = nil
        filled = 0
        condition.lock()
        defer { condition.unlock() }
        if count == 0 {
            spare.append(chunk)
            return
        }
        if let failure {
            spare.append(chunk)
            throw failure
        }
        waiting.append((chunk, count))
        if !running {
            running = true
            closing = false
            let thread = Thread { [self] in loop() }
            thread.name = "parley-hash-write"
            thread.start()
        }
        condition.broadcast()
    }

    private func loop() {
        condition.lock()
        while true {
            while waiting.isEmpty && !closing { condition.wait() }
            if waiting.isEmpty {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let (chunk, count) = waiting.removeFirst()
            let skip = failure != nil
            working = true
            condition.unlock()
            var thrown: Error?
            if !skip {
                do {
                    try work(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
                } catch {
                    thrown = error
                }
            }
            condition.lock()
            if let thrown, failure == nil { failure = thrown }
            working = false
            spare.append(chunk)
            condition.broadcast()
        }
    }
}
