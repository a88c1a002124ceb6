import Foundation
import ParleyCore

/// Where a download stands, as a person reads it: bytes, percent, rate and time left. Pure.
public struct TransferProgress: Equatable, Sendable {
    public var received: Int64
    public var total: Int64?
    /// Bytes per second over the last few seconds; nil until there is a measure.
    public var bytesPerSecond: Double?

    public init(received: Int64, total: Int64?, bytesPerSecond: Double?) {
        self.received = received
        self.total = total
        self.bytesPerSecond = bytesPerSecond
    }

    /// 0...1, when the total is known.
    public var fraction: Double? {
        guard let total, total > 0 else { return nil }
        return min(1, max(0, Double(received) / Double(total)))
    }

    /// Seconds left at the current rate.
    public var secondsLeft: Double? {
        guard let total, let rate = bytesPerSecond, rate > 0 else { return nil }
        return Double(max(0, total - received)) / rate
    }

    /// `12.3 MiB of 93.8 MiB  13%  45.6 MiB/s  0:02 left` (parts that are not known are left out).
    public var line: String {
        var parts = [Self.bytes(received) + (total.map { " of " + Self.bytes($0) } ?? "")]
        if let fraction { parts.append("\(Int((fraction * 100).rounded(.down)))%") }
        if let rate = bytesPerSecond { parts.append(Self.bytes(Int64(rate)) + "/s") }
        if let secondsLeft { parts.append(Self.clock(secondsLeft) + " left") }
        return parts.joined(separator: "  ")
    }

    /// A bar of `width` cells: `[#####.....]`, for screens; an unknown total draws no fill.
    public func bar(width: Int) -> String {
        let inner = max(0, width - 2)
        let filled = Int((fraction ?? 0) * Double(inner))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: inner - filled) + "]"
    }

    static func bytes(_ count: Int64) -> String {
        ByteCountText.describe(Int(clamping: count))
    }

    /// `0:07`, `12:30`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(min(seconds, 359_999).rounded(.up))
        let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}

/// The rate of a transfer over a sliding window of samples. Pure: the caller gives the times.
public struct RateMeter: Sendable {
    private var samples: [(seconds: Double, bytes: Int64)] = []
    /// How far back the rate looks.
    public var window: Double

    public init(window: Double = 3) {
        self.window = window
    }

    /// Samples closer together than this replace each other: a download reports every 16 KiB
    /// piece, and a window of all of them made each record cost more than the piece.
    static let spacing = 0.05

    /// Records that `bytes` had arrived in total at time `seconds`.
    public mutating func record(bytes: Int64, at seconds: Double) {
        if samples.count >= 2, seconds - samples[samples.count - 2].seconds < Self.spacing {
            samples[samples.count - 1] = (seconds, bytes)
            return
        }
        samples.append((seconds, bytes))
        while let first = samples.first, seconds - first.seconds > window, samples.count > 2 { samples.removeFirst() }
    }

    /// Bytes per second across the window, nil until two samples at least 0.2 s apart exist.
    public var bytesPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.seconds - first.seconds >= 0.2 else { return nil }
        return Double(last.bytes - first.bytes) / (last.seconds - first.seconds)
    }
}
