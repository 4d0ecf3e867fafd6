/* actions.h: every action the workstation knows, once, with its help text.
 * X(NAME, "name used in the config file", "help line").
 * The order is the order `?` lists them in. */
#ifndef MCASSESS_TUI_ACTIONS_H
#define MCASSESS_TUI_ACTIONS_H

#define TUI_ACTIONS(X) \
	X(MOVE_DOWN,   "move-down",   "Move down one line (or to the next criterion)") \
	X(MOVE_UP,     "move-up",     "Move up one line (or to the previous criterion)") \
	X(PAGE_DOWN,   "page-down",   "Move down one page") \
	X(PAGE_UP,     "page-up",     "Move up one page") \
	X(HALF_DOWN,   "half-page-down", "Move down half a page") \
	X(HALF_UP,     "half-page-up", "Move up half a page") \
	X(FIRST,       "first",       "Go to the first line") \
	X(LAST,        "last",        "Go to the last line") \
	X(NEXT_PART,   "next-part",   "Evidence: jump to the next part") \
	X(PREV_PART,   "prev-part",   "Evidence: jump to the previous part") \
	X(OPEN,        "open",        "Open the selected submission (in a history: the change in full; " \
				      "in the packets: the selected conflict, its sides side by side)") \
	X(BACK,        "back",        "Go back; quits from the queue") \
	X(QUIT,        "quit",        "Quit mcassess") \
	X(HELP,        "help",        "Show this help (keys for every screen)") \
	X(SEARCH,      "search",      "Queue: narrow the list as you type (Enter keeps, Esc clears); " \
				      "evidence: find text, any case (re: first for a regular expression)") \
	X(SORT,        "sort",        "Queue: sort by age, credential or status, in turn") \
	X(FOCUS,       "focus-next",  "Submission: move focus between evidence and rubric; a packet " \
				      "conflict: the next side") \
	X(FOCUS_PREV,  "focus-prev",  "Submission: move focus back to the other pane; a packet conflict: " \
				      "the previous side") \
	X(NEXT_CRIT,   "next-criterion", "Submission, either pane: the next criterion; the evidence " \
				      "shows its part") \
	X(PREV_CRIT,   "prev-criterion", "Submission, either pane: the previous criterion; the " \
				      "evidence shows its part") \
	X(RUBRIC_ALL,  "rubric-summary", "Submission: every criterion with its score, and the " \
				      "focused one's descriptors in full (again: back to two panes)") \
	X(CHECKS,      "pre-checks",  "Submission: show or fold the pre-check findings") \
	X(SCORE_1,     "score-1",     "Score the focused criterion at level 1 (from either pane)") \
	X(SCORE_2,     "score-2",     "Score the focused criterion at level 2 (from either pane)") \
	X(SCORE_3,     "score-3",     "Score the focused criterion at level 3 (from either pane)") \
	X(SCORE_4,     "score-4",     "Score the focused criterion at level 4 (from either pane)") \
	X(SCORE_5,     "score-5",     "Score the focused criterion at level 5 (from either pane)") \
	X(SCORE_6,     "score-6",     "Score the focused criterion at level 6 (from either pane)") \
	X(SCORE_7,     "score-7",     "Score the focused criterion at level 7 (from either pane)") \
	X(SCORE_8,     "score-8",     "Score the focused criterion at level 8 (from either pane)") \
	X(SCORE_9,     "score-9",     "Score the focused criterion at level 9 (from either pane)") \
	X(FILTER,      "filter",      "Queue: filter by status, pathway, credential, district or needs:adjudication") \
	X(NEXT,        "open-next",   "Queue: open the next submission after the selected one; " \
				      "evidence, once / found something: the next match") \
	X(FIND_PREV,   "find-prev",   "Evidence: the previous match of /") \
	X(FEEDBACK,    "feedback",    "Submission: write the overall feedback in the editor") \
	X(COMMENT,     "comment",     "Write the focused criterion's comment in the editor (scored or not)") \
	X(DECIDE,      "decide",      "Submission: record earned or resubmit (asks first)") \
	X(INCOMPLETE,  "incomplete",  "Submission: return it unscored as incomplete, with a reason (coordinators)") \
	X(APPROVE,     "approve",     "Submission: approve what awaits approval, as its reads say (approvers; " \
				      "asks first)") \
	X(RETURN_READS, "return-reads", "Submission: return what awaits approval to its readers, " \
				      "with a reason (approvers)") \
	X(VIEW_FILE,   "view-file",   "Submission: open the evidence files of this part in a viewer") \
	X(TAKE_CLAIM,  "take-claim",  "Submission: release the other person's claim on it and take it " \
				      "(admins)") \
	X(NOTES,       "notes",       "Submission: private notes, never sent to the teacher (on the " \
				      "notes: add one)") \
	X(HISTORY,     "history",     "Submission: its history in the evidence archive, newest first " \
				      "(Enter shows a change in full)") \
	X(WORKLOAD,    "workload",    "Queue: each assessor's open reads, overdue reads and oldest " \
				      "(coordinators and admins)") \
	X(EDIT_SAVE,   "edit-save",   "Editor: save the text and leave") \
	X(EDIT_LEAVE,  "edit-leave",  "Editor: leave without saving; the text stays as your draft") \
	X(EDIT_EXTERN, "edit-extern", "Editor: edit the text in $VISUAL or $EDITOR") \
	X(EDIT_UNDO,   "edit-undo",   "Editor: undo the last change") \
	X(EDIT_BANK,   "edit-bank",   "Editor: insert a comment from the comment bank") \
	X(WORD_LEFT,   "word-left",   "Editor: move to the start of the previous word") \
	X(WORD_RIGHT,  "word-right",  "Editor: move to the start of the next word") \
	X(REPORTS,     "reports",     "Queue: progress against goals and your agreement (the reports screen)") \
	X(REDRAW,      "redraw",      "Redraw the whole screen") \
	X(REFRESH,     "refresh",     "Reports: take the figures again (they are taken when the screen opens)") \
	X(PACKETS,     "packets",     "Coordinators: the review packets merged back, their figures " \
				      "and open conflicts") \
	X(CALIBRATION, "calibration", "Queue: your calibration set: exemplars scored blind as real work " \
				      "(Enter opens one), your results against the agreed scores") \
	X(KEEP_SIDE,   "keep-side",   "A packet conflict: keep the selected side, the server's or a " \
				      "packet's (asks first; as 'packet resolve')")

enum tui_action {
	ACT_NONE = 0,
#define X(n, name, help) ACT_##n,
	TUI_ACTIONS(X)
#undef X
	ACT__COUNT
};

/* The config-file name and help line of an action; NULL for ACT_NONE. */
const char *tui_action_name(enum tui_action a);
const char *tui_action_help(enum tui_action a);
/* ACT_NONE if `name` is not an action. */
enum tui_action tui_action_parse(const char *name);
#endif
