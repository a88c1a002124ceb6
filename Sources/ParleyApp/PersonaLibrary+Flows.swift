import ParleyCore
import ParleyPersonas

/// The personas the program's own flows speak with, chosen alike by the commands and the chat.
extension PersonaLibrary {
    /// The persona the decision flow's prompts are written for; without its file (the bundled
    /// personas not found), the built-in assistant.
    var decisionCoach: Persona {
        (try? persona(named: PersonaLibrary.decisionCoachName)) ?? Persona.builtInAssistant
    }

    static let decisionCoachName = "decision-coach"
}
