/// The reply text the store's crash helper streams, chunk by chunk, so a test can check that what
/// survived a SIGKILL is exactly a prefix of what was written. Mixes ASCII, CJK and emoji.
public enum StoreReplyText {
    /// Chunk `k` of the reply.
    public static func chunk(_ k: Int) -> String {
        let cjk = ["你好", "世界", "日本語", "한국어", "漢字"]
        return "word\(k) \(cjk[k % cjk.count])\(k % 7 == 0 ? " 🙂" : "") "
    }

    /// The reply after `count` chunks.
    public static func text(chunks count: Int) -> String {
        var text = ""
        for k in 0..<count { text += chunk(k) }
        return text
    }
}
