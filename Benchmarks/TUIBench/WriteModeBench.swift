import Foundation
import ParleyCore
import ParleyTUI
import ParleyWrite

/// Write mode on the chat screen: key press to cell buffer with the 10,000-message conversation and
/// a draft panel beside it (and, in the same run, without the panel), a version streaming into the
/// panel, and a diff of two versions on screen. Pure reducer and view, no terminal.
func measureWriteMode() throws {
    let layout = TranscriptLayout()
    let reducer = ChatReducer(layout: layout)
    let view = ChatView(layout: layout)
    var conversation = longConversation(10_000)
    conversation.mode = .write
    var state = ChatState(
        width: 120, height: 40, conversation: conversation, isStored: true, persona: "assistant",
        backend: BackendInfo(name: "openai", model: "m", contextSize: 8192))
    let template = WritingTemplate(
        name: "report", kind: .document, description: "", fields: [TemplateField(name: "topic", prompt: "Topic", required: true)],
        instruction: "Write a report on {{topic}}.")
    let filled = try TemplateFiller.fill(template, values: ["topic": "benchmarks"])
    func versionText(_ n: Int) -> String {
        (0..<60).map { line in "Line \(line) of version \(line % 7 == 0 ? n : 0): some words about the topic, long enough to wrap in a panel." }
            .joined(separator: "\n")
    }
    var draft = Draft(id: "20270115-000000-draft0", template: template, filled: filled, first: DraftVersion(text: versionText(1), instruction: filled.instruction))
    for n in 2...20 { draft.addRevision(DraftVersion(text: versionText(n), instruction: "revise \(n)")) }
    let keys: [Key] = Array("make it shorter and friendlier ").map { .character($0) }
    // The same typing without the panel, for a same-run comparison.
    var plain = state
    _ = view.render(plain)
    var typingWithoutPanel: [Double] = []
    for i in 0..<3000 {
        let start = now()
        _ = reducer.reduce(&plain, .input(.key(keys[i % keys.count])))
        _ = view.render(plain)
        typingWithoutPanel.append(ms(now() - start))
    }
    state.panel = .draft(DraftPanel(draft: draft))
    _ = view.render(state)
    var typing: [Double] = []
    for i in 0..<3000 {
        let start = now()
        _ = reducer.reduce(&state, .input(.key(keys[i % keys.count])))
        _ = view.render(state)
        typing.append(ms(now() - start))
    }
    state.input.clear()
    state.input.set("shorter")
    _ = reducer.reduce(&state, .input(.key(.enter)))
    var streaming: [Double] = []
    for i in 0..<2000 {
        let start = now()
        _ = reducer.reduce(&state, .turnText(i % 12 == 11 ? "word\n" : "word "))
        _ = view.render(state)
        streaming.append(ms(now() - start))
    }
    var finished = draft
    finished.addRevision(DraftVersion(text: versionText(21), instruction: "shorter"))
    _ = reducer.reduce(&state, .draftTurnFinished(draft: finished, conversation: state.conversation))
    state.input.set("/diff 1 21")
    _ = reducer.reduce(&state, .input(.key(.enter)))
    var diffing: [Double] = []
    for i in 0..<400 {
        let start = now()
        _ = reducer.reduce(&state, .input(.key(i % 40 < 20 ? .pageDown : .pageUp)))
        _ = view.render(state)
        diffing.append(ms(now() - start))
    }
    print("write mode, 10,000 messages, no panel, 120x40: typing median \(fmt(percentile(typingWithoutPanel, 0.5))) ms, p99 \(fmt(percentile(typingWithoutPanel, 0.99))) ms (3000 keys)")
    print("write mode, 10,000 messages + draft panel (21 versions of 60 lines), 120x40: typing median \(fmt(percentile(typing, 0.5))) ms, p99 \(fmt(percentile(typing, 0.99))) ms (3000 keys)")
    print("write mode: a version streaming into the panel, piece -> cell buffer: median \(fmt(percentile(streaming, 0.5))) ms, p99 \(fmt(percentile(streaming, 0.99))) ms (2000 pieces)")
    print("write mode: diff of versions 1 and 21 on screen, PgUp/PgDn -> cell buffer: median \(fmt(percentile(diffing, 0.5))) ms, p99 \(fmt(percentile(diffing, 0.99))) ms (400 keys)")
}
