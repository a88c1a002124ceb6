import Foundation
import ParleyStore
import ParleyTestSupport
import Testing

/// Pictures and sidecars land whole, private, and side by side.
struct PictureStoreTests {
    @Test func aPictureAndItsSidecarAreSavedPrivately() throws {
        let root = try StoreTemporaryDirectory()
        defer { root.remove() }
        let store = PictureStore(root: root.url)
        let name = try store.save(Data([1, 2, 3]), fileExtension: "png", sidecar: Data("{}".utf8))
        #expect(name.hasSuffix(".png"))
        #expect(try store.read(name, limit: 10) == Data([1, 2, 3]))
        let sidecar = store.directory.appendingPathComponent(String(name.dropLast(4)) + ".json")
        #expect(FileManager.default.contents(atPath: sidecar.path) == Data("{}".utf8))
        for path in [store.directory.path, sidecar.path, store.directory.appendingPathComponent(name).path] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(path) is \(String(mode, radix: 8))")
        }
    }

    @Test func removingTakesThePictureAndItsSidecar() throws {
        let root = try StoreTemporaryDirectory()
        defer { root.remove() }
        let store = PictureStore(root: root.url)
        let kept = try store.save(Data([1]), fileExtension: "png", sidecar: Data("{}".utf8))
        let gone = try store.save(Data([2]), fileExtension: "jpg", sidecar: Data("{}".utf8))
        store.remove(gone)
        store.remove("../\(kept)")
        let left = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted()
        #expect(left == [kept.replacingOccurrences(of: ".png", with: ".json"), kept].sorted())
    }

    @Test func namesOutsideTheDirectoryAreNotFollowed() {
        let store = PictureStore(root: URL(fileURLWithPath: "/tmp/x"))
        for name in ["../conversations/a.json", "/etc/passwd", ".hidden", "a/b.png", ""] { #expect(store.url(of: name) == nil, "\(name)") }
        #expect(store.url(of: "20270101-000000-abcdef.png") != nil)
    }
}
