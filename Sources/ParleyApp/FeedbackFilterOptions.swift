import ArgumentParser
import Foundation
import ParleyFeedback

/// `--persona`, `--model`, `--since`: which feedback `list`, `stats` and `export` take.
struct FeedbackFilterOptions: ParsableArguments {
    @Option(help: "Only conversations with this persona.") var persona: String?
    @Option(help: "Only replies written by this model.") var model: String?
    @Option(help: ArgumentHelp("Only feedback given on or after this day (YYYY-MM-DD, UTC) or time (ISO-8601).", valueName: "date"))
    var since: String?

    func validate() throws {
        if let since, FeedbackSelection.parseDate(since) == nil {
            throw ValidationError("--since takes a day (2026-11-29) or an ISO-8601 time, not '\(since)'")
        }
    }

    var selection: FeedbackSelection {
        FeedbackSelection(persona: persona, model: model, since: since.flatMap(FeedbackSelection.parseDate))
    }
}
