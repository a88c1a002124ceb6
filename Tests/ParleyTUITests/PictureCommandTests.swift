import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// `/image`, its progress, Ctrl-C, the stored result, `/open`, and LoRA completion.
@Suite struct PictureCommandTests {
    @Test func theOptionsOfParleyImageAreRead() throws {
        let order = try PictureOrder.parse(#"a red fox --steps 9 --seed=77 --size 512X768 --negative "blurry, dark" in snow"#).get()
        #expect(order == PictureOrder(prompt: "a red fox in snow", negative: "blurry, dark", steps: 9, seed: 77, size: "512x768"))
        #expect(try PictureOrder.parse("the fox's den").get().prompt == "the fox's den")
        let control = try PictureOrder.parse("edges --control e.png --control-module canny --init start.jpg").get()
        #expect(control.controlFile == "e.png" && control.controlModule == "canny" && control.initFile == "start.jpg")
    }

    @Test(arguments: [
        ("", "needs a prompt"),
        ("--steps 9", "needs a prompt"),
        ("fox --steps 0", "--steps must be 1 to 150"),
        ("fox --steps", "--steps needs a value"),
        ("fox --seed x", "--seed must be a whole number"),
        ("fox --size big", "--size must be WIDTHxHEIGHT"),
        ("fox --json", "does not know --json"),
        (#"fox --negative "open"#, "quote is not closed"),
        ("fox --control e.png", "go together"),
    ])
    func badOrdersAreOneLine(argument: String, expected: String) {
        guard case .failure(let error) = SlashCommand.parse("/image " + argument) else {
            Issue.record("accepted: \(argument)")
            return
        }
        #expect(error.description.contains(expected), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }

    @Test func imageRunsAsATurnShowsProgressAndStoresTheReply() {
        var h = ChatHarness()
        h.type("/image a fox --steps 9")
        let effects = h.key(.enter)
        #expect(effects == [.makePicture(
            PictureOrder(prompt: "a fox", steps: 9), request: "/image a fox --steps 9", conversationID: nil, persona: "assistant",
            mode: .chat)])
        #expect(h.state.phase == .drawing(since: ChatHarness.epoch, fraction: nil))
        #expect(h.state.conversation.messages.map(\.content) == ["/image a fox --steps 9", ""])
        #expect(h.render().rowText(23).contains("drawing…"))

        h.send(.pictureProgress(0.42))
        #expect(h.state.phase == .drawing(since: ChatHarness.epoch, fraction: 0.42))
        #expect(h.render().rowText(23).contains("drawing 42%"))
        // Another message waits while the picture is drawn.
        h.type("hello")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice == ChatReducer.busyNotice)
        h.key(.ctrl("u"))

        var stored = Conversation(id: "20270115-090000-picture", title: "Picture: a fox", persona: "assistant")
        var reply = Message(role: .assistant, content: "Picture: a fox\nseed 77")
        reply.picture = "20270115-090000-abcdef.png"
        stored.messages = [Message(role: .user, content: "/image a fox --steps 9"), reply]
        h.send(.pictureFinished(stored))
        #expect(h.state.phase == .idle)
        #expect(h.state.isStored)
        #expect(h.state.conversation == stored)
        #expect(h.state.notice?.text.contains("20270115-090000-abcdef.png") == true)
        // A late progress report changes nothing.
        h.send(.pictureProgress(0.9))
        #expect(h.state.phase == .idle)

        #expect(SlashCommand.parse("/open") == .success(.open))
        h.type("/open")
        #expect(h.key(.enter) == [.openPicture("20270115-090000-abcdef.png")])
    }

    @Test func ctrlCStopsThePictureAndTheChatGoesOn() {
        var h = ChatHarness(messages: [ChatHarness.message(.user, "hi", index: 0), ChatHarness.message(.assistant, "hello", index: 1)])
        h.type("/image a fox")
        let started = h.key(.enter)
        #expect(started.first.map { if case .makePicture(_, _, let id, _, _) = $0 { id == h.state.conversation.id } else { false } } == true)
        #expect(h.key(.ctrl("c")) == [.cancelTurn])
        h.send(.pictureFailed("picture interrupted: the server was asked to stop; nothing was saved"))
        #expect(h.state.phase == .idle)
        #expect(h.state.conversation.messages.map(\.content) == ["hi", "hello"])
        #expect(h.state.notice == ChatNotice("picture interrupted: the server was asked to stop; nothing was saved", isError: true))
        // Usable again: the next message is sent.
        h.type("and now?")
        #expect(h.key(.enter).first.map { if case .send = $0 { true } else { false } } == true)
    }

    @Test func openWithoutAPictureSaysSo() {
        var h = ChatHarness()
        h.type("/open")
        #expect(h.key(.enter).isEmpty)
        #expect(h.state.notice?.isError == true && h.state.notice?.text.contains("no picture") == true)
    }

    @Test func loraNamesCompleteInsideTheTag() {
        var h = ChatHarness()
        h.type("/image a fox <lora:")
        // Not known yet: the server is asked.
        #expect(h.key(.tab) == [.listImageNames])
        h.send(.lorasListed(["foxStyle", "forest", "detail"]))
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox <lora:")
        #expect(h.state.notice?.text == "<lora:detail:1>  <lora:forest:1>  <lora:foxStyle:1>")
        h.type("fox")
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox <lora:foxStyle:1>")
        h.key(.ctrl("u"))
        h.type("/image a fox <lo")
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox <lora:")
        #expect(SlashCompleter.loraCandidates("/image a <lora:fo", loras: ["forest", "foxStyle"]) == [
            "/image a <lora:forest:1>", "/image a <lora:foxStyle:1>",
        ])
        #expect(SlashCompleter.loraCandidates("/image a fox", loras: ["forest"]).isEmpty)
    }

    @Test func modelNamesCompleteAfterDashDashModelAndTitlesWithBlanksAreQuoted() {
        var h = ChatHarness()
        h.type("/image a fox --model ")
        #expect(h.key(.tab) == [.listImageNames])
        #expect(h.state.notice?.text.contains("asking the image server") == true)
        h.send(.imageModelsListed(["v1-5-pruned.safetensors [6ce0]", "sdxl-base", "sd15", "sdxl-base"]))
        h.type("sd")
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox --model sd")
        #expect(h.state.notice?.text == "sd15  sdxl-base")
        h.type("x")
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox --model sdxl-base")
        h.key(.ctrl("u"))
        h.type("/image a fox --model=v1")
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox --model=\"v1-5-pruned.safetensors [6ce0]\"")
        h.key(.ctrl("u"))
        h.type("/image a fox --model zz")
        #expect(h.key(.tab).isEmpty)
        #expect(h.state.notice?.isError == true)
        // Past the value, Tab is LoRA completion again.
        h.key(.ctrl("u"))
        h.type("/image a fox --model sd15 in <lora:")
        h.send(.lorasListed(["ink"]))
        h.key(.tab)
        #expect(h.state.input.text == "/image a fox --model sd15 in <lora:ink:1>")
    }

    @Test func theValueOfDashDashModelIsFoundWhereverItIsTyped() {
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model ") == "")
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model sd") == "sd")
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model=sd") == "sd")
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model \"v1 5") == "v1 5")
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model \"v1 5\"") == "v1 5")
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model \"v1 5\" in snow") == nil)
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox --model sd15 in snow") == nil)
        #expect(SlashCompleter.imageModelBeingTyped("/image a fox") == nil)
    }

    @Test func dashDashModelIsParsedAndNeedsAName() throws {
        let order = try PictureOrder.parse("a fox --model \"v1-5 [6ce0]\" --steps 4").get()
        #expect(order.model == "v1-5 [6ce0]" && order.prompt == "a fox" && order.steps == 4)
        #expect(try PictureOrder.parse("a fox --model=sd15").get().model == "sd15")
        guard case .failure(let error) = PictureOrder.parse("a fox --model") else { Issue.record("parsed"); return }
        #expect(error.description == "/image: --model needs a value")
        guard case .failure(let empty) = PictureOrder.parse("a fox --model=") else { Issue.record("parsed"); return }
        #expect(empty.description == "/image: --model needs a name")
    }

    @Test func aPictureIsFittedToTheTranscriptsHeight() {
        let source = PictureTranscriptTests.FixedPictures()
        var h = ChatHarness(width: 40, height: 20)
        var message = Message(role: .assistant, content: "a fox")
        message.picture = "fox.png"
        h.state.conversation.messages = [message]
        h.state.isStored = true
        let view = ChatView(layout: TranscriptLayout(pictures: source))
        _ = view.render(h.state)
        // 20 rows: header, separator, input, status leave 16 for the transcript, less 2 for the label.
        #expect(source.heights.last == 14)
        h.state.height = 12
        _ = view.render(h.state)
        #expect(source.heights.last == 6)
    }
}

/// Where graphics protocols may lay a picture over its half-block cells.
@Suite struct PicturePlacementTests {
    /// A stored picture with one message before it.
    static func harness(height: Int) -> ChatHarness {
        var message = Message(id: "p1", role: .assistant, content: "a fox")
        message.picture = "fox.png"
        var h = ChatHarness(width: 40, height: height, messages: [ChatHarness.message(.user, "/image a fox", index: 0), message])
        h.state.isStored = true
        return h
    }

    @Test func aWholePictureOnScreenIsPlacedOverItsCells() {
        let h = Self.harness(height: 20)
        let view = ChatView(layout: TranscriptLayout(pictures: PictureTranscriptTests.FixedPictures()))
        let frame = view.render(h.state)
        // Header, "You", the command, a blank line, "Assistant", "a fox", then the picture's row.
        #expect(frame.pictures == [PicturePlacement(name: "fox.png", x: 2, y: 6, columns: 4, rows: 1)])
        #expect(frame.buffer.rowText(6).hasPrefix("  ▀▀▀▀"))
    }

    @Test func aPictureCutOffOrUnderAnOverlayKeepsItsCellsOnly() {
        var h = Self.harness(height: 20)
        let view = ChatView(layout: TranscriptLayout(pictures: PictureTranscriptTests.FixedPictures()))
        h.key(.function(1))
        #expect(view.render(h.state).pictures.isEmpty)
        h.key(.escape)
        #expect(view.render(h.state).pictures.count == 1)
        // Scrolled so that the picture's row is below the transcript: not placed.
        var many = Self.harness(height: 9)
        many.state.conversation.messages += ChatHarness.conversation(turns: 1)
        many.state.scrollOffset = 8
        let frame = view.render(many.state)
        #expect(frame.pictures.isEmpty, "\(frame.buffer.textRows)")
    }

    @Test func escapesSaveMoveDrawAndRestoreTheCursor() {
        let placements = [
            PicturePlacement(name: "a.png", x: 2, y: 6, columns: 4, rows: 2),
            PicturePlacement(name: "gone.png", x: 2, y: 9, columns: 4, rows: 2),
        ]
        let text = PicturePlacement.escapes(placements) { $0.name == "a.png" ? "<graphics>" : nil }
        #expect(text == "\u{1B}7\u{1B}[7;3H<graphics>\u{1B}8")
    }

    @Test func onlyCellLinesAreMarked() {
        final class Words: PictureSource, @unchecked Sendable {
            func lines(ofPicture name: String, width: Int, height: Int) -> [StyledLine]? { [StyledLine("[picture · /open shows it]")] }
        }
        var message = Message(role: .assistant, content: "")
        message.picture = "fox.png"
        #expect(TranscriptLayout(pictures: Words()).lines(for: message, width: 40).allSatisfy { $0.picture == nil })
        let marked = TranscriptLayout(pictures: PictureTranscriptTests.FixedPictures()).lines(for: message, width: 40)
        #expect(marked.compactMap(\.picture) == [PictureMark(area: PicturePlacement(name: "fox.png", x: 2, y: 0, columns: 4, rows: 1), row: 0)])
    }
}
