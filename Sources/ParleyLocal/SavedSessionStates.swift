import GGUFRuntime
import ParleyStore

/// Which stored conversation the backend's session holds, and that conversation's saved state in
/// the cache: read when a conversation the session does not hold asks for a reply (a later
/// process, another conversation reopened), written after its replies.
///
/// Used only on the backend's queue. Every state read goes through `SessionStateFile`'s checks; one
/// that fails them (another model file or settings, damage) is removed and the prompt evaluated
/// from scratch. A state is read only when it offers a longer reusable prefix than the session
/// already holds, so a state can never make a reply slower than no cache, only the reading itself.
final class SavedSessionStates {
    let cache: SessionCache?
    /// The conversation whose tokens the session holds, if it is a stored one.
    private(set) var key: String?
    /// The session has evaluated tokens for `key` since its state was last saved.
    private var unsaved = false

    init(cache: SessionCache?) {
        self.cache = cache
    }

    /// Before the reply to a request of conversation `newKey` with `prompt`: when the session holds
    /// another conversation, saves that one's state if it has not been, then reads the state of
    /// `newKey` into the session if it offers more of `prompt` than the session holds.
    func prepare(_ session: LlamaSession, for newKey: String?, prompt: [Int32]) {
        guard newKey != key else { return }
        save(session)
        key = newKey
        guard let cache, let newKey else { return }
        let held = session.reusablePrefix(for: prompt)
        do {
            try cache.load(key: newKey) { byteCount, read in
                let header = try SessionStateFile.readHeader(for: session, byteCount: byteCount, from: read)
                let offered = min(
                    LlamaSession.chunking.reusablePrefix(
                        heldTokens: header.tokens, heldPaths: header.paths, prompt: prompt, promptEnd: prompt.count),
                    prompt.count - 1)
                guard offered > held else { return }
                try SessionStateFile.restore(header, into: session, from: read)
            }
        } catch is SessionStateError {
            // Of another model or settings, or damaged: it will never be of use.
            try? cache.remove(key: newKey)
        } catch {
            // Unreadable now (a link, an I/O error): left as it is; the prompt is evaluated in full.
        }
    }

    /// The session has just evaluated tokens of the conversation it holds.
    func changed() {
        if key != nil { unsaved = true }
    }

    /// Writes the state of the conversation the session holds, if it changed since it was saved.
    /// A failure to write is not the reply's concern: the next process evaluates in full.
    func save(_ session: LlamaSession) {
        guard unsaved, let cache, let key, session.position > 0 else { return }
        unsaved = false
        try? cache.save(key: key) { write in try SessionStateFile.write(session, to: write) }
    }
}
