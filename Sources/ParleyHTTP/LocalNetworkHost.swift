/// Whether a host is this machine or the local network: loopback, link-local and private IPv4
/// ranges, IPv6 loopback, unique-local and link-local, `localhost` and `.local` names.
///
/// Used to decide how long a server may take to answer at all (see `ProbeSchedule`). Names other
/// than `localhost` and `.local` are not resolved: they count as remote.
enum LocalNetworkHost {
    static func contains(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local") { return true }
        if name.contains(":") { return isLocalIPv6(name) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        guard parts.count == 4, let a = parts[0], let b = parts[1], parts[2] != nil, parts[3] != nil else { return false }
        switch (a, b) {
        case (127, _), (10, _), (192, 168), (169, 254): return true
        case (172, 16...31): return true
        default: return false
        }
    }

    private static func isLocalIPv6(_ address: String) -> Bool {
        if address == "::1" { return true }
        guard let first = address.split(separator: ":", omittingEmptySubsequences: false).first,
            let group = UInt16(first, radix: 16)
        else { return false }
        // fc00::/7 unique local, fe80::/10 link-local.
        return group & 0xFE00 == 0xFC00 || group & 0xFFC0 == 0xFE80
    }
}
