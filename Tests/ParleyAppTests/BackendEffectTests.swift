import Foundation
import ParleyCore
import ParleyTUI
import ParleyTestSupport
import Testing

@testable import ParleyApp

/// `/backend`, `/model`, `/lora` and model listing: what the backend maker was asked for, and
/// that the next turn goes to the backend made.
@Suite("Effect runner: backends", .timeLimit(.minutes(1)))
struct BackendEffectTests {
    @Test func setBackendMakesTheNamedBackendAndTheNextTurnUsesIt() async throws {
        var fixture = try RunnerFixture(backendArguments: ["--model", "from-command-line"])
        defer { fixture.remove() }
        let event = await fixture.run(.setBackend("lan"))
        #expect(event == .backendChanged(BackendInfo(name: "lan", model: "script-1", contextSize: 8192)))
        // The command line's model belonged to its backend: the named one gets its own.
        #expect(fixture.backends.requests == [.init(backend: "lan", model: nil, preferred: nil, remembered: nil, lora: nil)])
        #expect(await fixture.runner.backendChoice == BackendChoice(name: "lan", kind: "scripted"))
        let events = await fixture.run(
            .send(text: "Hi", conversationID: nil, persona: "assistant", mode: .chat, replacingFrom: nil), through: \.isTurnEnd)
        #expect(events.contains(.turnText("lan/script-1")))
    }

    @Test func setModelKeepsTheBackendInUse() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        _ = await fixture.run(.setBackend("lan"))
        let event = await fixture.run(.setModel("big"))
        #expect(event == .backendChanged(BackendInfo(name: "lan", model: "big", contextSize: 8192)))
        #expect(fixture.backends.requests.last == .init(backend: nil, model: "big", preferred: nil, remembered: BackendChoice(name: "lan", kind: "scripted"), lora: nil))
        #expect(await fixture.runner.backendChoice == BackendChoice(name: "lan", kind: "scripted", model: "big"))
    }

    @Test func switchesLandInTheOrderAsked() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        await fixture.runner.run(.setBackend("first"))
        await fixture.runner.run(.setBackend("second"))
        await fixture.runner.run(.setBackend("third"))
        var names: [String] = []
        for _ in 0..<3 {
            guard case .backendChanged(let info) = await fixture.events.next() else { Issue.record("not a backend change"); return }
            names.append(info.name)
        }
        #expect(names == ["first", "second", "third"])
        #expect(await fixture.runner.backendChoice.name == "third")
    }

    @Test func aBackendThatCannotBeMadeIsAnErrorAndTheOldOneStays() async throws {
        var fixture = try RunnerFixture(backends: RecordingBackendMaker(refusing: ["broken"]))
        defer { fixture.remove() }
        let event = await fixture.run(.setBackend("broken"))
        #expect(event == .error("no backend named 'broken' in the config"))
        #expect(await fixture.runner.backendChoice == BackendChoice(name: "scripted", kind: "scripted", model: "script-1"))
    }

    @Test func setLoRAAddsAdaptersAndNilRemovesThem() async throws {
        var fixture = try RunnerFixture(backendArguments: ["--lora", "base.gguf"])
        defer { fixture.remove() }
        let added = await fixture.run(.setLoRA("style.gguf:0.5"), through: { if case .notice = $0 { true } else { false } })
        #expect(added.count == 2)
        #expect(added.first?.isBackendChanged == true)
        #expect(added.last == .notice("LoRA adapters: base.gguf, style.gguf:0.5"))
        // The same file again takes its new scale.
        let rescaled = await fixture.run(.setLoRA("style.gguf:0.8"), through: { if case .notice = $0 { true } else { false } })
        #expect(rescaled.last == .notice("LoRA adapters: base.gguf, style.gguf:0.8"))
        let removed = await fixture.run(.setLoRA(nil), through: { if case .notice = $0 { true } else { false } })
        #expect(removed.last == .notice("LoRA adapters off"))
        #expect(fixture.backends.requests.map(\.lora) == [["base.gguf", "style.gguf:0.5"], ["base.gguf", "style.gguf:0.8"], []])
        #expect(await fixture.runner.loras == [])
    }

    @Test func setLoRAWithoutAFileIsANotice() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let event = await fixture.run(.setLoRA("style.gguf:nan"))
        #expect(event == .notice("style.gguf:nan: not a LoRA adapter FILE[:SCALE]"))
        #expect(fixture.backends.requests.isEmpty)
    }

    @Test func listModelsOnTheLocalBackendListsTheModelsFolder() async throws {
        var fixture = try RunnerFixture()
        defer { fixture.remove() }
        let models = fixture.directory.url.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        for name in ["tiny.gguf", "Big.GGUF", "notes.txt"] {
            try Data().write(to: models.appendingPathComponent(name))
        }
        let event = await fixture.run(.listModels)
        #expect(event == .modelsListed(["Big", "tiny"]))
    }

    @Test func listModelsAsksTheServer() async throws {
        var fixture = try RunnerFixture(backend: ListingBackend(models: ["gpt-a", "gpt-b"]))
        defer { fixture.remove() }
        let event = await fixture.run(.listModels)
        #expect(event == .modelsListed(["gpt-a", "gpt-b"]))
    }
}
