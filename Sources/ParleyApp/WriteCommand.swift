import ArgumentParser

/// `parley write`: drafts from templates, revisions, versions and diffs, from the shell. One
/// subcommand per verb; `parley write TEMPLATE …` is short for `parley write new TEMPLATE …`.
struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Draft documents, copy and code from templates; revise drafts and compare versions.",
        discussion: """
            Examples:
              parley write email --field to="my landlord" --field topic="the broken heater" --tone formal
              git diff --staged | parley write commit-message
              parley write slogan --field product="a reusable coffee cup" -o slogans.txt
              parley write revise DRAFT_ID "make it shorter"
              parley write versions DRAFT_ID        (list; add a number to print that version)
              parley write diff DRAFT_ID 1 2        (default: the previous version against the current)

            'parley write TEMPLATE ...' is short for 'parley write new TEMPLATE ...'. Every draft and \
            its versions are kept under <storage>/drafts/, and the exchanges show in 'parley history' \
            as a write-mode conversation. Templates: the bundled ones, then \
            $XDG_CONFIG_HOME/parley/templates/, then the 'templates' folder of --personas DIR.
            """,
        subcommands: [New.self, Revise.self, Versions.self, Diff.self, List.self, Drafts.self, Show.self],
        defaultSubcommand: New.self)
}
