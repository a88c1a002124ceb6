/// Where the transcript gets a stored picture as coloured lines. The shell implements it (reading
/// `<storage>/images/`, decoding, rasterising to half blocks), so the screen code stays pure and
/// tests can hand it fixed lines.
public protocol PictureSource: AnyObject, Sendable {
    /// The picture called `name` as lines at most `width` cells wide and `height` lines tall, each
    /// cell carrying its colours in `CellStyle.foreground`/`background`; nil when it cannot be read
    /// or decoded.
    func lines(ofPicture name: String, width: Int, height: Int) -> [StyledLine]?
}
