import Foundation
import Testing

@testable import ParleyTUI

/// The first-run screen that offers a missing model: its reducer and view, without a terminal.
@Suite("Model offer screen")
struct ModelOfferTests {
    let reducer = ModelOfferReducer()
    let view = ModelOfferView()

    func fresh() -> ModelOfferState {
        ModelOfferState(width: 80, height: 20, model: "smollm2-135m", about: "135M parameters, 94 MB, Apache-2.0")
    }

    func text(_ state: ModelOfferState) -> String {
        view.render(state).buffer.textRows.joined(separator: "\n")
    }

    @Test func offersThenPullsWithABarAndStartsTheChat() {
        var state = fresh()
        #expect(text(state).contains("Pull it now?"))
        #expect(text(state).contains("smollm2-135m"))
        #expect(reducer.reduce(&state, .input(.key(.character("x")))) == [])
        #expect(reducer.reduce(&state, .input(.key(.enter))) == [.startPull])
        #expect(reducer.reduce(&state, .progress(received: 25 << 20, total: 100 << 20, bytesPerSecond: Double(5 << 20))) == [])
        let shown = text(state)
        #expect(shown.contains("25%"), "\(shown)")
        #expect(shown.contains("#"))
        #expect(shown.contains("/s"))
        #expect(shown.contains("15 s left"), "\(shown)")
        #expect(shown.contains("Ctrl-C"))
        #expect(reducer.reduce(&state, .verifying) == [])
        #expect(text(state).contains("SHA-256"))
        #expect(reducer.reduce(&state, .pulled) == [.startChat])
    }

    @Test func cancellingKeepsWhatArrivedAndEnterResumes() {
        var state = fresh()
        _ = reducer.reduce(&state, .input(.key(.character("y"))))
        #expect(reducer.reduce(&state, .input(.key(.character("n")))) == [], "letters do not stop a download")
        #expect(reducer.reduce(&state, .input(.key(.ctrl("c")))) == [.cancelPull])
        #expect(state.phase == .cancelling)
        #expect(reducer.reduce(&state, .input(.key(.ctrl("c")))) == [])
        // Progress that was on its way does not bring the bar back.
        _ = reducer.reduce(&state, .progress(received: 1, total: 2, bytesPerSecond: 1))
        #expect(state.phase == .cancelling)
        _ = reducer.reduce(&state, .pullStopped("stopped pulling m.gguf; 40 MB of 94 MB kept"))
        #expect(text(state).contains("40 MB of 94 MB kept"))
        #expect(text(state).contains("try again"))
        #expect(reducer.reduce(&state, .input(.key(.enter))) == [.startPull])
        #expect(state.phase == .pulling(received: 0, total: nil, bytesPerSecond: nil))
    }

    @Test func declineAFailureOrASignalQuits() {
        for key in [Key.character("n"), .escape, .ctrl("c"), .ctrl("d"), .character("q")] {
            var state = fresh()
            #expect(reducer.reduce(&state, .input(.key(key))) == [.quit], "\(key)")
        }
        var failed = fresh()
        _ = reducer.reduce(&failed, .input(.key(.enter)))
        _ = reducer.reduce(&failed, .pullStopped("the catalog has no SHA-256 for x"))
        #expect(reducer.reduce(&failed, .input(.key(.escape))) == [.quit])
        var pulling = fresh()
        _ = reducer.reduce(&pulling, .input(.key(.enter)))
        #expect(reducer.reduce(&pulling, .terminate) == [.cancelPull, .quit])
    }

    @Test func fitsNarrowAndTinyTerminalsAndUnknownSizes() {
        var state = fresh()
        _ = reducer.reduce(&state, .input(.key(.enter)))
        _ = reducer.reduce(&state, .progress(received: 3 << 20, total: nil, bytesPerSecond: nil))
        #expect(text(state).contains("3"))
        _ = reducer.reduce(&state, .resize(width: 30, height: 8))
        let narrow = view.render(state).buffer
        #expect(narrow.width == 30 && narrow.height == 8)
        _ = reducer.reduce(&state, .resize(width: 10, height: 3))
        #expect(text(state).contains("Terminal"))
        #expect(view.progressBar(received: 5, total: 10, width: 28) == "[##########----------]   50%")
        #expect(view.progressBar(received: 20, total: 10, width: 18).hasSuffix("100%"))
    }
}
