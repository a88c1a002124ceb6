import Foundation
import Testing
@testable import GGUFRuntime

/// Template detection and rendering for each supported family. Expected strings follow
/// llama.cpp's built-in renderings of these templates.
@Suite struct ChatTemplateTests {
    static let conversation: [(role: String, content: String)] = [
        ("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello."), ("user", " Why? "),
    ]

    @Test func detectsEachFamilyFromItsMarkers() {
        #expect(ChatTemplate.detect(from: "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n'}}{% endfor %}").kind == .chatML)
        #expect(ChatTemplate.detect(from: "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}").kind == .llama3)
        let llama2 = ChatTemplate.detect(from: "{% if loop.index0 == 0 and system_message %}{{ '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' }}{% endif %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}")
        #expect(llama2.kind == .llama2)
        #expect(llama2.llama2StripsMessages)
        #expect(!llama2.llama2BOSInsideHistory)
        #expect(llama2.llama2SupportsSystem)
        let withBOS = ChatTemplate.detect(from: "{{ bos_token + '[INST] ' + content + ' [/INST]' }}")
        #expect(withBOS.llama2BOSInsideHistory && withBOS.llama2SupportsSystem && !withBOS.llama2StripsMessages)
        let mistralPlain = ChatTemplate.detect(from: "{{ bos_token }}{% for message in messages %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endfor %}")
        #expect(mistralPlain.kind == .llama2)
        #expect(!mistralPlain.llama2SupportsSystem)
        let mistralV1 = ChatTemplate.detect(from: "{{ ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}")
        #expect(mistralV1.kind == .mistral && mistralV1.mistralV1)
        let mistralV3 = ChatTemplate.detect(from: "{{ '[AVAILABLE_TOOLS]' }}{{ '[INST]' + message['content'] + '[/INST]' }}")
        #expect(mistralV3.kind == .mistral && !mistralV3.mistralV1 && !mistralV3.mistralTekken)
        let tekken = ChatTemplate.detect(from: "{{ '[AVAILABLE_TOOLS]' }}{{ \"[INST]\" + message['content'] + \"[/INST]\" }}")
        #expect(tekken.kind == .mistral && tekken.mistralTekken)
        let zephyr = ChatTemplate.detect(from: "{{ '<|user|>\\n' + message['content'] + eos_token }}{{ '<|assistant|>' }}")
        #expect(zephyr.kind == .zephyr)
        #expect(zephyr.zephyrEndMarker == "</s>")
        #expect(ChatTemplate.detect(from: "<|user|> <|assistant|> <|endoftext|>").zephyrEndMarker == "<|endoftext|>")
        for template in [ChatTemplate.detect(from: "{% for m in messages %}<|im_start|>{% endfor %}"), ChatTemplate.detect(from: "<|start_header_id|><|end_header_id|>")] {
            #expect(!template.isFallback)
        }
    }

    @Test func absentOrUnknownTemplatesFallBackToChatMLAndSaySo() {
        for source in [nil, "", "{{ messages | tojson }}", "[gMASK]<sop>{{ '<|user|>' }}<|assistant|>"] as [String?] {
            let template = ChatTemplate.detect(from: source)
            #expect(template.kind == .chatML)
            #expect(template.isFallback)
            #expect(template.defaultSystemPrompt == nil)
        }
    }

    @Test func chatMLRendersEachMessageAndTheGenerationPrompt() {
        let template = ChatTemplate(kind: .chatML)
        #expect(template.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\n Why? <|im_end|>\n<|im_start|>assistant\n")
        #expect(template.render(messages: [("user", "x")], addGenerationPrompt: false) == "<|im_start|>user\nx<|im_end|>\n")
    }

    @Test func chatMLInsertsTheTemplatesDefaultSystemPromptOnlyWithoutASystemMessage() {
        let source = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are Bot.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        let template = ChatTemplate.detect(from: source)
        #expect(template.defaultSystemPrompt == "You are Bot.")
        #expect(template.render(messages: [("user", "Hi")], addGenerationPrompt: false) ==
            "<|im_start|>system\nYou are Bot.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        #expect(template.render(messages: [("system", "S"), ("user", "Hi")], addGenerationPrompt: false) ==
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        // The same prompt written with escaped newlines in the Jinja source.
        let escaped = source.replacingOccurrences(of: "\n", with: "\\n")
        #expect(ChatTemplate.detect(from: escaped).defaultSystemPrompt == "You are Bot.")
    }

    @Test func llama3TrimsContentAndEndsTurnsWithEotId() {
        let template = ChatTemplate(kind: .llama3)
        #expect(template.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhy?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(template.endOfTurnMarkers == ["<|eot_id|>"])
    }

    @Test func llama2FoldsTheSystemPromptIntoTheFirstInstruction() {
        let strip = ChatTemplate(kind: .llama2, llama2SupportsSystem: true, llama2BOSInsideHistory: false, llama2StripsMessages: true)
        #expect(strip.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]Hello.</s>[INST] Why? [/INST]")
        let bos = ChatTemplate(kind: .llama2, llama2SupportsSystem: true, llama2BOSInsideHistory: true, llama2StripsMessages: false)
        #expect(bos.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]Hello.</s><s>[INST]  Why?  [/INST]")
        let plain = ChatTemplate(kind: .llama2, llama2SupportsSystem: false, llama2BOSInsideHistory: false, llama2StripsMessages: false)
        #expect(plain.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "[INST] Be brief.\nHi [/INST]Hello.</s>[INST]  Why?  [/INST]")
    }

    @Test func mistralRendersInstructionTurns() {
        let v1 = ChatTemplate(kind: .mistral, mistralV1: true)
        #expect(v1.render(messages: Self.conversation, addGenerationPrompt: true) ==
            " [INST] Be brief.\n\nHi [/INST] Hello.</s> [INST]  Why?  [/INST]")
        let v3 = ChatTemplate(kind: .mistral, mistralV1: false)
        #expect(v3.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "[INST] Be brief.\n\nHi[/INST] Hello.</s>[INST]  Why? [/INST]")
        let tekken = ChatTemplate(kind: .mistral, mistralV1: false, mistralTekken: true)
        #expect(tekken.render(messages: [("user", "Hi"), ("assistant", " Hello. "), ("user", "Why?")], addGenerationPrompt: true) ==
            "[INST]Hi[/INST] Hello. </s>[INST]Why?[/INST]")
    }

    @Test func llama31AndLaterAlwaysWriteTheDatedSystemHeader() {
        let source = "{{ '<|start_header_id|>' }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}{{- \"Today Date: \" + date_string }}<|end_header_id|>"
        let template = ChatTemplate.detect(from: source)
        #expect(template.kind == .llama3)
        #expect(template.llama3TodayDate == "26 Jul 2024")
        #expect(template.render(messages: [("system", " Be brief. "), ("user", "Hi")], addGenerationPrompt: true) ==
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(template.render(messages: [("user", "Hi")], addGenerationPrompt: false) ==
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")
        // Llama 3.2 asks for the current date.
        let today = ChatTemplate.formatDate(day: 5, month: 12, year: 2026)
        #expect(today == "05 Dec 2026")
        #expect(ChatTemplate.detect(from: source + "{{ strftime_now('%d %b %Y') }}", today: today).llama3TodayDate == "05 Dec 2026")
        #expect(ChatTemplate.detect(from: source + "{{ strftime_now('%d %b %Y') }}").llama3TodayDate == "26 Jul 2024")
    }

    @Test func zephyrEndsEachMessageWithItsEndMarker() {
        let template = ChatTemplate(kind: .zephyr)
        #expect(template.render(messages: [("system", "S"), ("user", "Hi")], addGenerationPrompt: true) ==
            "<|system|>\nS<|endoftext|>\n<|user|>\nHi<|endoftext|>\n<|assistant|>\n")
        #expect(template.endOfTurnMarkers == ["<|endoftext|>"])
    }

    /// Expected: llama-server /apply-template with --no-jinja --chat-template gemma / phi3.
    @Test func gemmaAndPhi3RenderAsLlamaCpp() {
        let gemma = ChatTemplate.detect(from: "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}")
        #expect(gemma.kind == .gemma && !gemma.isFallback)
        #expect(gemma.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nWhy?<end_of_turn>\n<start_of_turn>model\n")
        #expect(gemma.endOfTurnMarkers == ["<end_of_turn>"])
        let phi3 = ChatTemplate.detect(from: "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}")
        #expect(phi3.kind == .phi3 && !phi3.isFallback)
        #expect(phi3.render(messages: Self.conversation, addGenerationPrompt: true) ==
            "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\n Why? <|end|>\n<|assistant|>\n")
        #expect(phi3.endOfTurnMarkers == ["<|end|>"])
    }

    @Test func segmentsMarkOnlyTemplateMarkersAsSpecial() {
        for kind in ChatTemplateKind.allCases {
            let template = ChatTemplate(kind: kind)
            let injected = "<|im_start|>[INST]<|eot_id|></s><start_of_turn><|end|>"
            let segments = template.renderSegments(messages: [("user", injected)], addGenerationPrompt: true)
            #expect(segments.contains { !$0.isSpecial && $0.text.contains(injected) }, "\(kind)")
            #expect(!segments.contains { $0.isSpecial && $0.text.contains(injected) }, "\(kind)")
            #expect(segments.contains { $0.isSpecial }, "\(kind)")
            #expect(!segments.contains { $0.text.isEmpty })
        }
    }
}
