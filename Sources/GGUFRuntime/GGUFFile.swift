#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the bytes of a GGUF file: a read-only private memory map of the file, or a
/// copy of bytes given in memory (used by tests). Weights are read straight from it,
/// so a model never holds a second copy of them (a packed copy's pages of the map are given
/// back: `releasePages`).
final class GGUFStorage: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int
    /// The file's modification time when it was mapped (zero for bytes given in memory).
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64
    private let mapped: Bool

    init(path: String) throws {
        // Without O_NONBLOCK, opening a FIFO waits for a writer for ever; the type is checked next.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let kind: String
            switch info.st_mode & S_IFMT {
            case S_IFIFO: kind = "a FIFO"
            case S_IFDIR: kind = "a directory"
            case S_IFCHR, S_IFBLK: kind = "a device"
            default: kind = "a socket or other special file"
            }
            throw GGUFError.cannotOpen(path: path, reason: "not a regular file (\(kind))")
        }
        let size = Int(info.st_size)
        guard size > 0 else { throw GGUFError.notGGUF(path: path) }
        guard let region = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), region != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(region)
        count = size
        #if canImport(Darwin)
        (modifiedSeconds, modifiedNanoseconds) = (Int64(info.st_mtimespec.tv_sec), Int64(info.st_mtimespec.tv_nsec))
        #else
        (modifiedSeconds, modifiedNanoseconds) = (Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec))
        #endif
        mapped = true
    }

    init(bytes: [UInt8]) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { source in
            if let src = source.baseAddress { buffer.copyMemory(from: src, byteCount: bytes.count) }
        }
        base = UnsafeRawPointer(buffer)
        count = bytes.count
        (modifiedSeconds, modifiedNanoseconds) = (0, 0)
        mapped = false
    }

    /// Gives back the resident pages wholly inside `start ..< start + count` of a mapped file
    /// (bytes given in memory are kept): for weights the model has copied into another layout.
    /// Nothing changes for readers: a page read again comes back from the file.
    func releasePages(from start: UnsafeRawPointer, count: Int) {
        guard mapped, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + count) / page * page
        guard page > 0, end > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, end - first, Int32(MADV_DONTNEED))
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}

/// A parsed GGUF (version 2 or 3) file: header, metadata, tensor infos and the data
/// section, all bounds-checked against the file size on open. A truncated or
/// hostile file gives a `GGUFError`, never a crash, a hang or a giant allocation.
public final class GGUFFile: Sendable {
    /// Largest number of elements accepted in one metadata array, and in all of them
    /// together: far above real vocabularies, far below what could exhaust memory.
    public static let maximumArrayElements = 4 << 20
    public static let maximumTotalArrayElements = 8 << 20
    static let maximumArrayDepth = 4
    static let maximumDimensions = 4

    let storage: GGUFStorage
    public let path: String?
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Offset of the data section from the start of the file.
    public let dataOffset: Int
    public var fileSize: Int { storage.count }
    /// The file's modification time when it was opened, seconds and nanoseconds (0 for bytes given in memory).
    public var modificationTime: (seconds: Int64, nanoseconds: Int64) {
        (storage.modifiedSeconds, storage.modifiedNanoseconds)
    }
    /// The header, metadata and tensor infos: everything before the data section.
    var headerBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base, count: min(dataOffset, storage.count))
    }
    private let tensorIndex: [String: Int]

    /// Memory-maps and parses the file at `path`.
    public convenience init(path: String) throws {
        try self.init(storage: GGUFStorage(path: path), path: path)
    }

    /// Parses a GGUF image held in memory (copied).
    public convenience init(bytes: [UInt8]) throws {
        try self.init(storage: GGUFStorage(bytes: bytes), path: nil)
    }

    private init(storage: GGUFStorage, path: String?) throws {
        self.storage = storage
        self.path = path
        var reader = GGUFByteReader(base: storage.base, count: storage.count)
        let magic: UInt32
        do {
            magic = try reader.u32("magic number")
        } catch {
            throw GGUFError.notGGUF(path: path ?? "input")
        }
        guard magic == 0x4655_4747 else { throw GGUFError.notGGUF(path: path ?? "input") }
        version = try reader.u32("version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }
        // Smallest encodings: a tensor info is a name length (8), a dimension count (4),
        // a type (4) and an offset (8); a key/value is a key length (8), a type (4) and
        // at least one byte of value.
        let tensorCount = try reader.count("tensor count", minimumBytesEach: 24)
        let keyCount = try reader.count("metadata key count", minimumBytesEach: 13)

        var parser = MetadataParser()
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount {
            let key = try reader.string("metadata key")
            let rawType = try reader.u32("type of \(key)")
            let value = try parser.value(rawType: rawType, key: key, reader: &reader, depth: 0)
            guard values[key] == nil else { throw GGUFError.invalid("metadata key \(key) appears twice") }
            keys.append(key)
            values[key] = value
        }
        metadata = GGUFMetadata(keys: keys, values: values)

        if let raw = metadata["general.alignment"] {
            guard let a = raw.intValue, a > 0, a <= 1 << 20, a & (a - 1) == 0 else {
                throw GGUFError.invalid("general.alignment must be a power of two up to 1 MiB")
            }
            alignment = a
        } else {
            alignment = 32
        }

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        infos.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name = try reader.string("tensor name")
            let dimensionCount = try reader.u32("dimension count of \(name)")
            guard dimensionCount >= 1, dimensionCount <= UInt32(Self.maximumDimensions) else {
                throw GGUFError.invalid("tensor \(name) has \(dimensionCount) dimensions (1 to \(Self.maximumDimensions) allowed)")
            }
            var dimensions: [Int] = []
            var elements = 1
            for _ in 0..<dimensionCount {
                let raw = try reader.u64("dimensions of \(name)")
                guard let d = Int(exactly: raw), d >= 0 else {
                    throw GGUFError.invalid("tensor \(name) has an impossible dimension \(raw)")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw GGUFError.invalid("tensor \(name) has too many elements") }
                elements = product
                dimensions.append(d)
            }
            let rawType = try reader.u32("type of \(name)")
            guard let type = GGUFTensorType(rawValue: rawType) else {
                throw GGUFError.unknownTensorType(rawType, tensor: name)
            }
            let rawOffset = try reader.u64("offset of \(name)")
            guard let offset = Int(exactly: rawOffset), offset % alignment == 0 else {
                throw GGUFError.invalid("tensor \(name) has a misaligned or impossible offset \(rawOffset)")
            }
            guard let rowBytes = type.rowSize(elements: dimensions[0]) else {
                throw GGUFError.invalid("tensor \(name) has a row of \(dimensions[0]) elements, not a whole number of \(type) blocks")
            }
            let rows = dimensions.dropFirst().reduce(1, *)
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
            guard !overflow else { throw GGUFError.invalid("tensor \(name) is impossibly large") }
            guard index[name] == nil else { throw GGUFError.invalid("tensor \(name) appears twice") }
            index[name] = infos.count
            infos.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount))
        }

        let (padded, overflow) = reader.offset.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw GGUFError.invalid("data section offset overflows") }
        dataOffset = padded / alignment * alignment
        let dataSize = storage.count - dataOffset
        if !infos.isEmpty {
            guard dataOffset <= storage.count else {
                throw GGUFError.truncated(what: "data section", offset: storage.count)
            }
            for info in infos {
                let (end, overflow) = info.offset.addingReportingOverflow(info.byteCount)
                guard !overflow, end <= dataSize else {
                    throw GGUFError.truncated(what: "data of tensor \(info.name)", offset: storage.count)
                }
            }
        }
        tensors = infos
        tensorIndex = index
    }

    /// `general.architecture`, when present.
    public var architecture: String? { metadata.string("general.architecture") }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of a tensor of this file. Valid as long as this file object lives.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base + dataOffset + tensor.offset, count: tensor.byteCount)
    }
}

/// Reads metadata values, enforcing the nesting depth and the array-size caps.
private struct MetadataParser {
    var totalArrayElements = 0

    mutating func value(rawType: UInt32, key: String, reader: inout GGUFByteReader, depth: Int) throws -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(rawType, key: key)
        }
        switch type {
        case .uint8: return .uint8(try reader.u8(key))
        case .int8: return .int8(Int8(bitPattern: try reader.u8(key)))
        case .uint16: return .uint16(try reader.u16(key))
        case .int16: return .int16(Int16(bitPattern: try reader.u16(key)))
        case .uint32: return .uint32(try reader.u32(key))
        case .int32: return .int32(Int32(bitPattern: try reader.u32(key)))
        case .uint64: return .uint64(try reader.u64(key))
        case .int64: return .int64(Int64(bitPattern: try reader.u64(key)))
        case .float32: return .float32(Float(bitPattern: try reader.u32(key)))
        case .float64: return .float64(Double(bitPattern: try reader.u64(key)))
        case .bool:
            let byte = try reader.u8(key)
            guard byte <= 1 else { throw GGUFError.invalid("metadata key \(key) holds bool value \(byte)") }
            return .bool(byte == 1)
        case .string: return .string(try reader.string(key))
        case .array:
            guard depth < GGUFFile.maximumArrayDepth else {
                throw GGUFError.invalid("metadata key \(key) nests arrays deeper than \(GGUFFile.maximumArrayDepth)")
            }
            let rawElementType = try reader.u32("element type of \(key)")
            guard let elementType = GGUFValueType(rawValue: rawElementType) else {
                throw GGUFError.unknownValueType(rawElementType, key: key)
            }
            let count = try reader.count("element count of \(key)", minimumBytesEach: Self.minimumSize(of: elementType))
            guard count <= GGUFFile.maximumArrayElements,
                  totalArrayElements + count <= GGUFFile.maximumTotalArrayElements
            else {
                throw GGUFError.invalid("metadata key \(key) holds \(count) elements, more than this runtime accepts")
            }
            totalArrayElements += count
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                items.append(try value(rawType: rawElementType, key: key, reader: &reader, depth: depth + 1))
            }
            return .array(elementType, items)
        }
    }

    static func minimumSize(of type: GGUFValueType) -> Int {
        switch type {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }
}
