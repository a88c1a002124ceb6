/// The default caps on what one turn may hold, in bytes of UTF-8 text. Both can be changed with
/// `[defaults] max_input_bytes` / `max_reply_bytes` in the config and `--max-input-bytes` /
/// `--max-reply-bytes`.
///
/// Why caps at all: a message or a reply is held whole in memory, stored, checkpointed and
/// counted; without a cap a 100 MB reply took 238 s and 718 MB, and 20 MB on stdin 40 s of CPU
/// before "too long". A message over its cap is refused before it is stored; a reply is cut at
/// its cap and kept, marked truncated.
public enum SizeLimits {
    /// About a million tokens: more than any context a model offers today.
    public static let defaultMaxInputBytes = 1 << 20
    /// Far longer than any reply a person reads, far below what strains memory.
    public static let defaultMaxReplyBytes = 4 << 20
    /// The range both settings accept.
    public static let allowedRange = 1024...(1 << 30)
}
