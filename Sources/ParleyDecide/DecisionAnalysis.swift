import Foundation

/// The program's arithmetic over a decision matrix: weighted totals, the ranking, the cells still
/// missing and how sensitive the winner is to one change. Pure; recomputed on every edit.
///
/// A total is Σ weight × score / Σ weight over the criteria that have a score for that option. It is
/// kept as an exact fraction, so ties are found exactly and the Double shown is the fraction's value.
public struct DecisionAnalysis: Sendable, Equatable {
    public var totals: [OptionTotal]
    /// Options that have at least one score, best first; tied options share a rank.
    public var ranking: [RankEntry]
    /// Option × criterion cells with no score, in option then criterion order.
    public var missing: [MissingCell]
    public var sensitivity: Sensitivity

    public init(options: [String], criteria: [DecisionCriterion], scores: [DecisionScore]) {
        let matrix = Matrix(options: options, criteria: criteria, scores: scores)
        let fractions = matrix.totals()
        totals = options.indices.map { i in
            OptionTotal(
                option: options[i], total: fractions[i]?.value, weightedSum: fractions[i]?.numerator ?? 0,
                scoredWeight: fractions[i]?.denominator ?? 0,
                missingCriteria: criteria.indices.filter { matrix.grid[i][$0] == nil }.map { criteria[$0].name })
        }
        ranking = Matrix.rank(fractions).map { entry in
            RankEntry(rank: entry.rank, option: options[entry.index], total: fractions[entry.index]!.value, tied: entry.tied)
        }
        missing = options.indices.flatMap { i in
            criteria.indices.filter { matrix.grid[i][$0] == nil }.map { MissingCell(option: options[i], criterion: criteria[$0].name) }
        }
        sensitivity = matrix.sensitivity(options: options, criteria: criteria)
    }

    /// The single best option, nil when nothing is scored or the top is a tie.
    public var winner: String? {
        guard let first = ranking.first, !first.tied else { return nil }
        return first.option
    }
}

/// One option's weighted total.
public struct OptionTotal: Codable, Sendable, Equatable {
    public var option: String
    /// Σ weight × score / Σ weight over the scored criteria; nil when no criterion is scored.
    public var total: Double?
    /// Σ weight × score (the fraction's numerator).
    public var weightedSum: Int
    /// Σ weight of the scored criteria (the fraction's denominator).
    public var scoredWeight: Int
    /// Criteria this option has no score for (its total leaves them out).
    public var missingCriteria: [String]
}

/// A place in the ranking. Ranks are "1, 1, 3" style: tied options share the better rank.
public struct RankEntry: Codable, Sendable, Equatable {
    public var rank: Int
    public var option: String
    public var total: Double
    /// True when another option has exactly the same total.
    public var tied: Bool
}

/// A matrix cell without a score.
public struct MissingCell: Codable, Sendable, Equatable, Hashable {
    public var option: String
    public var criterion: String
}

/// How fragile the winner is: the smallest single change (one weight within 1-5, or one score
/// within 0-10) after which another option is strictly ahead of it.
public struct Sensitivity: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Fewer than two scored options, or the top is already a tie: there is no single winner to flip.
        case noWinner
        /// No single change within range puts another option ahead.
        case robust
        /// `change` puts another option ahead.
        case flips
    }

    public var status: Status
    public var change: SensitivityChange?

    public init(status: Status, change: SensitivityChange? = nil) {
        self.status = status
        self.change = change
    }
}

/// One weight or one score changed from a value to another, and who would then win.
public struct SensitivityChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case weight, score }
    public var kind: Kind
    /// The option whose score changes; nil for a weight.
    public var option: String?
    public var criterion: String
    public var from: Int
    public var to: Int
    public var winner: String
    public var newWinner: String

    /// How big the change is, in points.
    public var step: Int { abs(to - from) }
}

/// The matrix by index, and the exact arithmetic.
struct Matrix {
    var weights: [Int]
    var grid: [[Int?]]

    init(options: [String], criteria: [DecisionCriterion], scores: [DecisionScore]) {
        weights = criteria.map(\.weight)
        let optionIndex = Dictionary(options.enumerated().map { (DecisionNames.key($1), $0) }, uniquingKeysWith: { a, _ in a })
        let criterionIndex = Dictionary(criteria.enumerated().map { (DecisionNames.key($1.name), $0) }, uniquingKeysWith: { a, _ in a })
        grid = Array(repeating: Array(repeating: nil, count: criteria.count), count: options.count)
        for score in scores {
            guard let o = optionIndex[DecisionNames.key(score.option)], let c = criterionIndex[DecisionNames.key(score.criterion)] else { continue }
            grid[o][c] = score.value
        }
    }

    /// An exact non-negative fraction with a positive denominator.
    struct Fraction {
        var numerator: Int
        var denominator: Int
        var value: Double { Double(numerator) / Double(denominator) }
        static func compare(_ a: Fraction, _ b: Fraction) -> Int {
            let left = a.numerator * b.denominator, right = b.numerator * a.denominator
            return left == right ? 0 : (left < right ? -1 : 1)
        }
    }

    func totals() -> [Fraction?] {
        grid.map { row in
            var numerator = 0, denominator = 0
            for (c, score) in row.enumerated() {
                guard let score else { continue }
                numerator += weights[c] * score
                denominator += weights[c]
            }
            return denominator > 0 ? Fraction(numerator: numerator, denominator: denominator) : nil
        }
    }

    /// Scored options best first; a stable sort, so tied options keep their order.
    static func rank(_ totals: [Fraction?]) -> [(index: Int, rank: Int, tied: Bool)] {
        let scored = totals.indices.filter { totals[$0] != nil }
        // Insertion order is the tie-break: sort by (total descending, index ascending).
        let order = scored.sorted { a, b in
            let c = Fraction.compare(totals[a]!, totals[b]!)
            return c != 0 ? c > 0 : a < b
        }
        var result: [(index: Int, rank: Int, tied: Bool)] = []
        for (position, index) in order.enumerated() {
            let tiedWithPrevious = position > 0 && Fraction.compare(totals[order[position - 1]]!, totals[index]!) == 0
            let tiedWithNext = position + 1 < order.count && Fraction.compare(totals[order[position + 1]]!, totals[index]!) == 0
            let rank = tiedWithPrevious ? result[position - 1].rank : position + 1
            result.append((index, rank, tiedWithPrevious || tiedWithNext))
        }
        return result
    }

    /// The index of the single best option, nil when none or tied.
    static func winner(_ totals: [Fraction?]) -> Int? {
        let ranked = rank(totals)
        guard let first = ranked.first, !first.tied else { return nil }
        return first.index
    }

    /// The option now strictly ahead of `winner`, best first, or nil when `winner` is still ahead.
    static func overtaker(of winner: Int, in totals: [Fraction?]) -> Int? {
        guard let best = totals[winner] else { return rank(totals).first?.index }
        return rank(totals).first { $0.index != winner && Fraction.compare(totals[$0.index]!, best) > 0 }?.index
    }

    /// Tries every single change, smallest step first; at equal steps weights before scores (a weight
    /// is a statement about what matters, the question a user asks first), then criteria and options
    /// in their order, lowering before raising.
    func sensitivity(options: [String], criteria: [DecisionCriterion]) -> Sensitivity {
        let base = totals()
        guard base.compactMap({ $0 }).count >= 2, let winner = Matrix.winner(base) else {
            return Sensitivity(status: .noWinner)
        }
        let maxStep = max(DecisionCriterion.weightRange.count, DecisionScore.valueRange.count)
        for step in 1..<maxStep {
            for c in weights.indices {
                for to in [weights[c] - step, weights[c] + step] where DecisionCriterion.weightRange.contains(to) {
                    var changed = self
                    changed.weights[c] = to
                    if let next = Matrix.overtaker(of: winner, in: changed.totals()) {
                        return Sensitivity(status: .flips, change: SensitivityChange(
                            kind: .weight, option: nil, criterion: criteria[c].name, from: weights[c], to: to,
                            winner: options[winner], newWinner: options[next]))
                    }
                }
            }
            for c in weights.indices {
                for o in grid.indices {
                    guard let from = grid[o][c] else { continue }
                    for to in [from - step, from + step] where DecisionScore.valueRange.contains(to) {
                        var changed = self
                        changed.grid[o][c] = to
                        if let next = Matrix.overtaker(of: winner, in: changed.totals()) {
                            return Sensitivity(status: .flips, change: SensitivityChange(
                                kind: .score, option: options[o], criterion: criteria[c].name, from: from, to: to,
                                winner: options[winner], newWinner: options[next]))
                        }
                    }
                }
            }
        }
        return Sensitivity(status: .robust)
    }
}

/// How names are compared: case, surrounding space and inner runs of space do not matter.
public enum DecisionNames {
    public static func key(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The display form of a name: trimmed, inner whitespace collapsed.
    public static func clean(_ name: String) -> String {
        name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
