# Finishes a page swift-argument-parser's generate-manual wrote (mdoc): the paragraph of the command's
# discussion that starts "Exit status:" becomes the EXIT STATUS section in place of the generic
# ".Ex -std", the one that starts "Examples:" (a line per example) an EXAMPLES section, blank lines
# paragraph breaks (.Pp), and the page of the `help` subcommand leaves SEE ALSO.
# Usage: awk -f finish-manual.awk PAGE > FINISHED
function flush_paragraph(    i) {
	if (count == 0) return
	if (lines[1] ~ /^Exit status: /) {
		exit_status = lines[1]
		sub(/^Exit status: /, "", exit_status)
		for (i = 2; i <= count; i++) exit_status = exit_status "\n" lines[i]
	} else if (lines[1] ~ /^Examples:/) {
		examples = ""
		for (i = 2; i <= count; i++) {
			line = lines[i]
			sub(/^[ \t]+/, "", line)
			examples = examples (examples == "" ? "" : "\n") "\\&" line
		}
	} else {
		if (printed_paragraph) print ".Pp"
		for (i = 1; i <= count; i++) print lines[i]
		printed_paragraph = 1
	}
	count = 0
}
/^\.Sh / {
	flush_paragraph()
	# The discussion is the text of DESCRIPTION before its first macro (the list of options).
	in_discussion = ($0 == ".Sh DESCRIPTION")
	if ($0 == ".Sh \"SEE ALSO\"" && examples != "") {
		print ".Sh EXAMPLES"
		print ".Bd -literal -offset indent"
		print examples
		print ".Ed"
		examples = ""
	}
	print
	next
}
in_discussion && /^$/ { flush_paragraph(); next }
in_discussion && /^[^.]/ { lines[++count] = $0; next }
in_discussion { flush_paragraph(); in_discussion = 0; print; next }
/^$/ { next }
/^\.Ex -std$/ {
	if (exit_status != "") print exit_status
	else print
	next
}
/^\.Xr [^ ]*\.help 1/ { next }
{ print }
END {
	flush_paragraph()
	if (examples != "") {
		print ".Sh EXAMPLES"
		print ".Bd -literal -offset indent"
		print examples
		print ".Ed"
	}
}
