/// Sizes as people read them in messages and limits: "512 bytes", "256 KiB", "4 MiB", "1.5 GiB".
public enum ByteCountText {
    public static func describe(_ bytes: Int) -> String {
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            // Whole numbers stay whole ("4 MiB"); others get one decimal ("1.5 MiB").
            if bytes % size == 0 || value >= 100 { return "\(Int(value.rounded())) \(name)" }
            return "\((value * 10).rounded() / 10) \(name)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
