import Foundation

/// One task of `tasks.json`. `kind` says which runner handles it; the other keys are the kind's
/// own (a write task: the template, its field values, controls and the revision to ask for).
/// Unknown kinds are listed as skipped, so another kind can be added to the file before its runner.
struct UsefulnessTask: Decodable {
    var id: String
    var kind: String
    var template: String?
    var fields: [String: String]?
    var language: String?
    var tone: String?
    var revise: String?
}

/// The file: a note on what it holds and the tasks.
struct TaskFile: Decodable {
    var about: String?
    var tasks: [UsefulnessTask]
}
