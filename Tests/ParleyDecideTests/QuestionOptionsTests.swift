import Testing

@testable import ParleyDecide

/// Options read from the question keep the user's words.
@Suite("options named in the question")
struct QuestionOptionsTests {
    @Test(arguments: [
        ("Should I take the train or fly from Berlin to Paris?", ["Train", "Fly"]),
        ("Should I adopt a dog or a cat?", ["Dog", "Cat"]),
        ("Should I move to Berlin or stay in London?", ["Move to Berlin", "Stay in London"]),
        ("Should I learn Python or Go first?", ["Python", "Go"]),
        ("Is it better to rent or buy?", ["Rent", "Buy"]),
        ("Should I rent or buy a flat in Munich?", ["Rent", "Buy a flat"]),
        ("Should I buy a Mac, a PC or a tablet?", ["Mac", "PC", "Tablet"]),
        ("Which is better, Python or JavaScript?", ["Python", "JavaScript"]),
        ("我应该坐火车还是坐飞机去上海？", ["坐火车", "坐飞机"]),
        ("我应该养狗还是养猫？", ["养狗", "养猫"]),
    ])
    func namedOptions(question: String, expected: [String]) {
        #expect(QuestionOptions.options(in: question) == expected)
    }

    @Test(arguments: ["Which laptop should I buy?", "Should I quit?", "or", "我应该接受哪个工作机会？", "This or this?"])
    func noOptionsWhenTheQuestionDoesNotNameThem(question: String) {
        #expect(QuestionOptions.options(in: question).isEmpty)
    }
}
