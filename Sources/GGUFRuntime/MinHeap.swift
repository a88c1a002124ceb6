/// Something a `MinHeap` can order: `precedes` says which of two comes out first.
protocol HeapOrdered {
    func precedes(_ other: Self) -> Bool
}

/// A binary min-heap: both tokenizers' merge queues (the BPE ranks and the SentencePiece scores)
/// pop the best candidate pair this way.
struct MinHeap<Element: HeapOrdered> {
    private var elements: [Element] = []

    mutating func removeAll() { elements.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].precedes(elements[parent]) else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Element? {
        guard let first = elements.first else { return nil }
        let last = elements.removeLast()
        if !elements.isEmpty {
            elements[0] = last
            var parent = 0
            let count = elements.count
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                var best = left
                let right = left + 1
                if right < count && elements[right].precedes(elements[left]) { best = right }
                guard elements[best].precedes(elements[parent]) else { break }
                elements.swapAt(best, parent)
                parent = best
            }
        }
        return first
    }
}
