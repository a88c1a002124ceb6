import Foundation
import ParleyDecide

/// How long the full analysis (totals, ranking, missing cells, sensitivity) takes for matrices of
/// growing size: the TUI recomputes it on every edit, so it must stay well under a frame.
/// Usage: parley-decide-bench [repetitions]
let repetitions = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200

/// `robust`: option 0 scores 10 everywhere and the rest 1, so no change flips it and the sensitivity
/// search tries every change (the worst case). Otherwise scores are mixed and totals close.
func matrix(options: Int, criteria: Int, robust: Bool) -> (names: [String], criteria: [DecisionCriterion], scores: [DecisionScore]) {
    let names = (0..<options).map { "Option \($0)" }
    let list = (0..<criteria).map { DecisionCriterion(name: "Criterion \($0)", weight: 1 + $0 % 5, givenBy: .user) }
    // Close totals, so the sensitivity search has to look at many changes before it finds a flip.
    var scores: [DecisionScore] = []
    for o in 0..<options {
        for c in 0..<criteria {
            let value = robust ? (o == 0 ? 10 : 1) : 1 + (o * 7 + c * 3) % 10
            scores.append(DecisionScore(option: names[o], criterion: list[c].name, value: value, givenBy: .user))
        }
    }
    return (names, list, scores)
}

print("options x criteria   analysis (median of \(repetitions))   sensitivity")
for (options, criteria, robust) in [(2, 3, false), (4, 4, false), (6, 6, false), (10, 10, false), (2, 3, true), (6, 6, true), (10, 10, true)] {
    let input = matrix(options: options, criteria: criteria, robust: robust)
    var times: [Double] = []
    var last: DecisionAnalysis?
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        last = DecisionAnalysis(options: input.names, criteria: input.criteria, scores: input.scores)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    times.sort()
    let status = last.map { "\($0.sensitivity.status.rawValue)\($0.sensitivity.change.map { " (step \($0.step))" } ?? "")" } ?? ""
    print(String(format: "%7d x %-8d   %10.1f µs                  %@", options, criteria, times[times.count / 2], status))
}
