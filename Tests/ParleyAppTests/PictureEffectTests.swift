import Foundation
import ParleyCore
import ParleyImages
import ParleyStore
import ParleyTUI
import Testing

@testable import ParleyApp

/// Pictures: `/image` as a turn, `/open`, and the names `/image` completes.
@Suite("Effect runner: pictures", .timeLimit(.minutes(1)))
struct PictureEffectTests {
    struct NoImageBackend: Error, CustomStringConvertible {
        var description: String { "/image: no image backend is configured" }
    }

    func pictureNames(_ fixture: RunnerFixture) -> [String] {
        let folder = fixture.directory.url.appendingPathComponent("images")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasSuffix(".json") }
    }

    @Test func makePictureSavesItAndStoresANewConversation() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let events = await fixture.run(
            .makePicture(PictureOrder(prompt: "a red kite"), request: "/image a red kite", conversationID: nil, persona: "assistant", mode: .chat),
            through: \.isTurnEnd)
        #expect(events.first == .pictureProgress(0.5))
        guard case .pictureFinished(let conversation) = events.last else { Issue.record("got \(events)"); return }
        // The ids and times are the injected ones: question, reply, then the conversation.
        #expect(conversation.id == "test-3")
        #expect(conversation.messages.map(\.id) == ["test-1", "test-2"])
        #expect(conversation.createdAt == RunnerFixture.now)
        #expect(conversation.title == "Picture: a red kite")
        #expect(conversation.messages.first?.content == "/image a red kite")
        let reply = try #require(conversation.messages.last)
        #expect(reply.content.hasPrefix("Picture: a red kite\nseed 7 · 2×2"))
        let name = try #require(reply.picture)
        #expect(pictureNames(fixture) == [name])
        #expect(try fixture.stored("test-3").messages.map(\.picture) == [nil, name])
    }

    @Test func makePictureInAConversationAppendsToIt() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        try fixture.storedConversation()
        let events = await fixture.run(
            .makePicture(PictureOrder(prompt: "a map"), request: "/image a map", conversationID: "conv-1", persona: "assistant", mode: .chat),
            through: \.isTurnEnd)
        guard case .pictureFinished(let conversation) = events.last else { Issue.record("got \(events)"); return }
        #expect(conversation.messages.count == 4)
        #expect(try fixture.stored("conv-1").messages.last?.picture != nil)
    }

    @Test func makePictureWithoutAnImageBackendFails() async throws {
        var fixture = try RunnerFixture(imageBackend: .failure(NoImageBackend()))
        defer { fixture.remove() }
        let event = await fixture.run(
            .makePicture(PictureOrder(prompt: "a kite"), request: "/image a kite", conversationID: nil, persona: "assistant", mode: .chat))
        #expect(event == .pictureFailed("/image: no image backend is configured"))
    }

    @Test func makePictureWithABadSizeFailsAndStoresNothing() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(
            .makePicture(PictureOrder(prompt: "a kite", size: "1x1"), request: "/image a kite", conversationID: nil, persona: "assistant", mode: .chat))
        guard case .pictureFailed(let text) = event else { Issue.record("got \(event)"); return }
        #expect(text.contains("--size"))
        #expect(try fixture.conversations.list().isEmpty)
    }

    @Test func cancellingAPictureSavesNothing() async throws {
        var fixture = try RunnerFixture(imageBackend: .success(StubImageBackend(hangs: true)))
        defer { fixture.remove() }
        let progress = await fixture.run(
            .makePicture(PictureOrder(prompt: "a kite"), request: "/image a kite", conversationID: nil, persona: "assistant", mode: .chat))
        #expect(progress == .pictureProgress(0.5))
        await fixture.runner.run(.cancelTurn)
        let failed = await fixture.events.next()
        #expect(failed == .pictureFailed("picture interrupted: nothing was saved"))
        #expect(pictureNames(fixture).isEmpty)
        #expect(try fixture.conversations.list().isEmpty)
    }

    @Test func openPictureOpensTheStoredFileInTheViewer() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let name = try PictureStore(root: fixture.directory.url).save(Data([1, 2, 3]), fileExtension: "png", sidecar: Data("{}".utf8))
        let event = await fixture.run(.openPicture(name))
        #expect(event == .notice("opened \(name) with test-viewer"))
        #expect(fixture.viewer.opened.map(\.lastPathComponent) == [name])
    }

    @Test func aViewerThatFailsIsAnError() async throws {
        var fixture = try RunnerFixture(viewer: RecordingViewer(status: 3))
        defer { fixture.remove() }
        let name = try PictureStore(root: fixture.directory.url).save(Data([1, 2, 3]), fileExtension: "png", sidecar: Data("{}".utf8))
        let events = await fixture.run(.openPicture(name), through: { if case .notice = $0 { true } else { false } })
        #expect(events == [.error("test-viewer could not open \(name) (exit status 3)"), .notice("opened \(name) with test-viewer")])
    }

    @Test func openPictureThatIsGoneIsAnError() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.openPicture("20250101-000000-abcdef.png"))
        #expect(event == .error("the picture 20250101-000000-abcdef.png is not in the images folder any more"))
        #expect(fixture.viewer.opened.isEmpty)
    }

    @Test func listImageNamesListsModelsAndLoRAs() async throws {
        var fixture = try RunnerFixture(imageBackend: .success(StubLoRAImageBackend()))
        defer { fixture.remove() }
        let events = await fixture.run(.listImageNames, through: { if case .lorasListed = $0 { true } else { false } })
        #expect(events == [.imageModelsListed(["stub-model", "other-model"]), .lorasListed(["detail", "style"])])
    }

    @Test func listImageNamesWithoutLoRAsListsModelsOnly() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.listImageNames)
        #expect(event == .imageModelsListed(["stub-model", "other-model"]))
        // Nothing more: the next event is the listing's.
        let listed = await fixture.run(.listConversations)
        #expect(listed == .conversationsListed([]))
    }
}
