import Foundation
import ParleyCore
import ParleyModels

/// The first start of the chat screen without any model: it offers to pull the default one, with
/// a progress bar, and the screen opens once the model is there.
enum FirstRun {
    /// Asks on the terminal (before the full screen starts) and pulls on yes. False when the user
    /// declines or the input ends; a failed pull throws its error.
    static func offerDefaultModel(context: AppContext) async throws -> Bool {
        let entry = ModelCatalog.defaultEntry
        let size = entry.fileSize.map { ", " + ModelsText.bytes($0) } ?? ""
        Console.status("no model is installed yet; Parley's default is \(entry.name) (\(entry.parameters) parameters\(size), \(entry.licence)).")
        FileHandle.standardError.write(Data("parley: pull it now? [Y/n] ".utf8))
        guard let answer = readLine(strippingNewline: true) else { return false }
        // Anything but yes leaves the model alone; the caller's error then names the command.
        guard ["", "y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else { return false }
        let progress = PullProgress(style: .terminalLine)
        let outcome = try await ModelsPullCommand.pull(.catalog(entry.name), context: context, progress: progress, pipShowsProgress: true)
        progress.finish()
        Console.status("pulled \(outcome.model.name); starting the chat")
        return true
    }
}
