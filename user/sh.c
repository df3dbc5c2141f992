// sh: the command shell.
//
// Reads one line at a time (printing the prompt "$ " first) and runs it.
// A line goes through four stages, each in its own section below:
//
//   1. tokenize: split the text into words and operators  | ; & ( ) < > >>,
//                removing quotes and marking the $ expansions to do
//   2. parse:    build a tree of struct cmd by recursive descent
//   3. expand:   just before a command runs, replace $NAME by its value
//   4. run:      walk the tree, forking a process per program
//
// Grammar (one line; '#' at the start of a word begins a comment):
//
//   line     = [ list ] END
//   list     = pipeline { ( ';' | '&' ) pipeline } [ ';' | '&' ]
//   pipeline = command { '|' command }
//   command  = '(' list ')' { redir }                  a subshell
//            | { WORD | redir }                        at least one of them
//   redir    = ( '<' | '>' | '>>' ) WORD
//
// Words and quoting:
//   'text'    single quotes: everything inside is literal
//   "text"    double quotes: literal except $NAME, and \" \\ \$ for those
//             three characters
//   \c        outside quotes: the character c, literally
//   $NAME ${NAME}   the value of environment variable NAME ("" if unset)
//   $?        the exit status of the last command     $$  the shell's pid
//   $0..$9    the script name and arguments (sh file args)   $#  their count
// An expansion stays one word, even if its value has spaces (no field
// splitting, unlike the Bourne shell); an unquoted word that expands to
// nothing disappears, so `echo $UNSET x` runs `echo x`. All variables are
// environment variables: what the shell sets, its commands inherit.
//
// Running commands:
//   - A bare name is looked for in each directory of $PATH (the shell sets
//     PATH=/:/bin if it is not set; programs live in "/"); a name with a
//     '/' in it is used as it is. Not found: "sh: NAME: not found", and
//     the status is 127; found but not runnable: status 126.
//   - NAME=value words in front of a command set NAME for that command
//     only; a line of NAME=value words alone sets them in the shell.
//   - Builtins: cd [dir], exit [status], export [NAME[=value] ...],
//     unset NAME ... They run inside the shell itself when they are a plain
//     command on their own (so `cd` changes the shell's directory); in a
//     pipeline, a background job or with redirections they run in a child
//     process like any other command.
//   - $? after a syntax error is 2. A bad line is reported and skipped: the
//     shell never dies of its input.
//
// Usage: sh                 read commands from fd 0, prompting with "$ "
//        sh file [arg ...]  read commands from file, without prompts
//        sh -c line [name [arg ...]]  run one line and exit with its
//                           status ($0 = name, $1... = args)

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

#define LINE_MAX 512              // longest command line accepted, in bytes
#define TOKEN_MAX (LINE_MAX + 1)  // every token uses >= 1 byte; +1 for TOK_END
#define WORD_BYTES (3 * LINE_MAX) // room for every word, its marks and NUL
#define CMD_MAX (2 * LINE_MAX)    // nodes per token: 1, or 2 for '&' (BACK, LIST)
#define REDIR_MAX (LINE_MAX / 2)  // a redirection takes two tokens
#define ARGV_SLOTS (2 * LINE_MAX) // words plus one 0 terminator per command
#define NEST_MAX 16               // deepest ( ) nesting (each level uses stack)
#define EXPAND_BYTES 4096         // room for one command's expanded words
#define NUM_BUF 24                // room for a number printed in decimal
#define SEEK_BUF_SIZE 512         // read size when seeking to the end of a file
#define PROMPT "$ "
#define CONSOLE_PATH "console"
#define PATH_IF_UNSET "/:/bin"    // the shell's PATH when it inherits none
#define STDIN 0
#define STDOUT 1
#define STDERR 2

// Exit statuses the shell itself gives.
#define STATUS_FAILED 1     // a builtin or redirection failed
#define STATUS_SYNTAX 2     // the line could not be parsed
#define STATUS_NOEXEC 126   // the program exists but could not be run
#define STATUS_NOTFOUND 127 // no such program

// Marks the tokenizer leaves in words for the expansion stage. Input bytes
// with these values are refused, so a mark always means a mark.
#define MARK_VAR '\001'    // MARK_VAR name MARK_END: expand variable name
#define MARK_END '\002'
#define MARK_PLAIN '\003'  // first byte of a word written without quotes
#define MARK_QUOTED '\004' // first byte of a word that had quotes in it
#define MARK_LAST MARK_QUOTED

// Exit status of the last command run: $?, and `exit` without an argument.
static int last_status;
// Where commands are read from: fd 0, or a script file.
static int input_fd = STDIN;
// The shell's own pid ($$; a child's getpid() would be the child's).
static int shell_pid;
// $0, $1, ...: the script and its arguments (just "sh" when interactive).
static char **script_args;
static int script_nargs;

// ---------------------------------------------------------------------
// 1. Tokenizer
// ---------------------------------------------------------------------

enum tok_kind {
  TOK_END,    // end of the line
  TOK_WORD,   // a command name, argument or file name
  TOK_PIPE,   // |
  TOK_SEMI,   // ;
  TOK_AMP,    // &
  TOK_LPAREN, // (
  TOK_RPAREN, // )
  TOK_IN,     // <
  TOK_OUT,    // >
  TOK_APPEND, // >>
};

// How each kind is written, for error messages.
static const char *tok_text[] = {
  [TOK_END] = "end of line", [TOK_WORD] = "word", [TOK_PIPE] = "|",
  [TOK_SEMI] = ";",          [TOK_AMP] = "&",     [TOK_LPAREN] = "(",
  [TOK_RPAREN] = ")",        [TOK_IN] = "<",      [TOK_OUT] = ">",
  [TOK_APPEND] = ">>",
};

struct token {
  enum tok_kind kind;
  char *word; // TOK_WORD: the word with its marks (NUL-terminated), else 0
};

// The tokenizer's state for one line.
struct lexer {
  const char *p;      // next character to look at
  char *word_end;     // free space in word_store
  const char *error;  // first error found, or 0
  struct token *toks; // output array
  int ntoks;
};

static char word_store[WORD_BYTES]; // text of the current line's words

// Returns 1 if c separates words.
static int
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// Returns 1 if c is the start of an operator.
static int
is_operator(char c)
{
  return c != 0 && strchr("|;&()<>", c) != 0;
}

// Returns 1 if c may start a variable name (a letter or '_').
static int
is_name_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Returns 1 if c may continue a variable name.
static int
is_name_char(char c)
{
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// Returns 1 if c alone is a special parameter name: $? $$ $# $0..$9.
static int
is_special_name(char c)
{
  return c == '?' || c == '$' || c == '#' || (c >= '0' && c <= '9');
}

// Append byte c to the word being built. Records an error (and drops c)
// if word_store is full, which only a pathological line can cause.
static void
lex_put(struct lexer *lx, char c)
{
  if (lx->word_end >= word_store + WORD_BYTES - 1) {
    if (lx->error == 0)
      lx->error = "line too complex";
    return;
  }
  *lx->word_end++ = c;
}

// Read the variable name after "${" up to '}' and emit it as a mark.
// lx->p points just after the '{'.
static void
lex_braced_var(struct lexer *lx)
{
  const char *name = lx->p;
  const char *close = strchr(name, '}');

  if (close == 0) {
    lx->error = "missing } after ${";
    return;
  }
  int len = close - name;
  int ok = (len == 1 && is_special_name(name[0])) ||
           (len > 0 && is_name_start(name[0]));
  for (int i = 1; ok && i < len; i++)
    ok = is_name_char(name[i]);
  if (!ok) {
    lx->error = "bad ${...} substitution";
    return;
  }
  lex_put(lx, MARK_VAR);
  while (lx->p < close)
    lex_put(lx, *lx->p++);
  lex_put(lx, MARK_END);
  lx->p++; // the '}'
}

// lx->p is at a '$'. Emit a variable mark ($NAME, ${NAME}, $?, ...), or a
// literal '$' if no name follows.
static void
lex_dollar(struct lexer *lx)
{
  char c = *++lx->p;

  if (c == '{') {
    lx->p++;
    lex_braced_var(lx);
  } else if (is_special_name(c)) {
    lex_put(lx, MARK_VAR);
    lex_put(lx, *lx->p++);
    lex_put(lx, MARK_END);
  } else if (is_name_start(c)) {
    lex_put(lx, MARK_VAR);
    while (is_name_char(*lx->p))
      lex_put(lx, *lx->p++);
    lex_put(lx, MARK_END);
  } else {
    lex_put(lx, '$');
  }
}

// lx->p is at a single quote: copy everything up to the closing one.
static void
lex_single_quoted(struct lexer *lx)
{
  lx->p++;
  while (*lx->p != '\'') {
    if (*lx->p == 0) {
      lx->error = "missing closing '";
      return;
    }
    lex_put(lx, *lx->p++);
  }
  lx->p++;
}

// lx->p is at a double quote: copy up to the closing one, expanding $ and
// taking \" \\ \$ as the quoted character.
static void
lex_double_quoted(struct lexer *lx)
{
  lx->p++;
  while (*lx->p != '"' && lx->error == 0) {
    if (*lx->p == 0) {
      lx->error = "missing closing \"";
      return;
    }
    if (*lx->p == '\\' && lx->p[1] != 0 && strchr("\"\\$", lx->p[1]) != 0) {
      lex_put(lx, lx->p[1]);
      lx->p += 2;
    } else if (*lx->p == '$') {
      lex_dollar(lx);
    } else {
      lex_put(lx, *lx->p++);
    }
  }
  lx->p++;
}

// Copy the word starting at lx->p into word_store and return its copy.
// A word runs until a blank, an operator or the end of the line; quotes
// and backslashes inside it are removed, $ expansions become marks, and
// the first byte says whether the word had quotes (MARK_QUOTED).
static char *
lex_word(struct lexer *lx)
{
  char *word = lx->word_end;
  char c;

  lex_put(lx, MARK_PLAIN);
  while ((c = *lx->p) != 0 && !is_blank(c) && !is_operator(c) &&
         lx->error == 0) {
    if (c == '\'' || c == '"') {
      *word = MARK_QUOTED;
      if (c == '\'')
        lex_single_quoted(lx);
      else
        lex_double_quoted(lx);
    } else if (c == '\\' && lx->p[1] != 0) {
      *word = MARK_QUOTED;
      lex_put(lx, lx->p[1]);
      lx->p += 2;
    } else if (c == '$') {
      lex_dollar(lx);
    } else {
      lex_put(lx, *lx->p++);
    }
  }
  lex_put(lx, 0);
  return word;
}

// Recognise the operator at lx->p, step over it, and return its kind.
static enum tok_kind
lex_operator(struct lexer *lx)
{
  char c = *lx->p++;

  switch (c) {
  case '|': return TOK_PIPE;
  case ';': return TOK_SEMI;
  case '&': return TOK_AMP;
  case '(': return TOK_LPAREN;
  case ')': return TOK_RPAREN;
  case '<': return TOK_IN;
  default: // '>'
    if (*lx->p == '>') {
      lx->p++;
      return TOK_APPEND;
    }
    return TOK_OUT;
  }
}

// Returns 1 if line contains a byte the tokenizer uses as a mark.
static int
has_mark_bytes(const char *line)
{
  for (; *line != 0; line++) {
    if (*line >= MARK_VAR && *line <= MARK_LAST)
      return 1;
  }
  return 0;
}

// Split line into tokens, stored in toks (room for TOKEN_MAX) and ended by
// a TOK_END token. line must be at most LINE_MAX bytes long.
// Returns 0, or -1 after reporting an error (such as a missing quote).
static int
tokenize(const char *line, struct token *toks)
{
  struct lexer lx = { line, word_store, 0, toks, 0 };

  if (has_mark_bytes(line))
    lx.error = "control characters are not allowed";
  while (lx.error == 0) {
    while (is_blank(*lx.p))
      lx.p++;
    if (*lx.p == 0 || *lx.p == '#')
      break;
    struct token *t = &lx.toks[lx.ntoks++];
    if (is_operator(*lx.p)) {
      t->kind = lex_operator(&lx);
      t->word = 0;
    } else {
      t->kind = TOK_WORD;
      t->word = lex_word(&lx);
    }
  }
  lx.toks[lx.ntoks].kind = TOK_END;
  lx.toks[lx.ntoks].word = 0;
  if (lx.error != 0) {
    fprintf(STDERR, "sh: syntax error: %s\n", lx.error);
    return -1;
  }
  return 0;
}

// Copy a raw word (with marks) into buf, as the user wrote it roughly:
// "$NAME" for a variable mark. For error messages. Returns buf.
static char *
word_for_display(const char *raw, char *buf, int size)
{
  int len = 0;

  for (raw++; *raw != 0 && len + 1 < size; raw++) {
    if (*raw == MARK_VAR)
      buf[len++] = '$';
    else if (*raw != MARK_END)
      buf[len++] = *raw;
  }
  buf[len] = 0;
  return buf;
}

// ---------------------------------------------------------------------
// 2. Parser: tokens -> command tree
// ---------------------------------------------------------------------

enum cmd_kind {
  CMD_EXEC,     // a program with arguments: argv, redirs
  CMD_PIPE,     // left | right
  CMD_LIST,     // left ; right
  CMD_BACK,     // left &
  CMD_SUBSHELL, // ( left ) redirs
};

// A redirection: make fd refer to file, opened with open_flags.
struct redir {
  int fd;              // STDIN or STDOUT
  int open_flags;      // O_RDONLY, or O_WRONLY | O_CREATE | ...
  int append;          // 1 for >>: write at the end of the file
  char *file;          // raw word (expanded when the redirection is made)
  struct redir *next;  // the next redirection, applied after this one
};

struct cmd {
  enum cmd_kind kind;
  int argc;             // CMD_EXEC
  char **argv;          // CMD_EXEC: argc raw words, then 0
  struct redir *redirs; // CMD_EXEC, CMD_SUBSHELL: in the order written
  struct cmd *left;     // PIPE, LIST: first part; BACK, SUBSHELL: body
  struct cmd *right;    // PIPE, LIST: second part
};

// Storage for one line's tree, reused for every line. The sizes follow
// from LINE_MAX, so a line that fits can never run out of nodes.
static struct cmd cmd_pool[CMD_MAX];
static struct redir redir_pool[REDIR_MAX];
static char *argv_pool[ARGV_SLOTS];

struct parser {
  struct token *toks;
  int pos;       // index of the next token
  int failed;    // 1 once an error has been reported
  int depth;     // ( ) nesting at the current position
  int ncmds;     // nodes used in cmd_pool
  int nredirs;   // entries used in redir_pool
  int nargv;     // slots used in argv_pool
};

// Report a parse error as "sh: <kind><what><detail>" (only the first
// error of a line is reported). Returns 0, so that parse functions can
// `return parse_error(...)`.
static struct cmd *
parse_error(struct parser *ps, const char *kind, const char *what,
            const char *detail)
{
  if (!ps->failed)
    fprintf(STDERR, "sh: %s%s%s\n", kind, what, detail);
  ps->failed = 1;
  return 0;
}

// Report a syntax error: "sh: syntax error: <what><detail>". Returns 0.
static struct cmd *
syntax_error(struct parser *ps, const char *what, const char *detail)
{
  return parse_error(ps, "syntax error: ", what, detail);
}

// Report the token at the current position as unexpected. Returns 0.
static struct cmd *
unexpected(struct parser *ps)
{
  struct token *t = &ps->toks[ps->pos];
  char shown[LINE_MAX + 1];

  if (t->kind == TOK_END)
    return syntax_error(ps, "unexpected end of line", "");
  if (t->kind == TOK_WORD)
    return syntax_error(ps, "unexpected word ",
                        word_for_display(t->word, shown, sizeof(shown)));
  return syntax_error(ps, "unexpected ", tok_text[t->kind]);
}

// The kind of the current token.
static enum tok_kind
peek(struct parser *ps)
{
  return ps->toks[ps->pos].kind;
}

// Step past the current token and return it.
static struct token *
advance(struct parser *ps)
{
  struct token *t = &ps->toks[ps->pos];

  if (t->kind != TOK_END)
    ps->pos++;
  return t;
}

// Returns 1 if kind is one of < > >>.
static int
is_redir(enum tok_kind kind)
{
  return kind == TOK_IN || kind == TOK_OUT || kind == TOK_APPEND;
}

// Returns 1 if a command can start with a token of this kind.
static int
starts_command(enum tok_kind kind)
{
  return kind == TOK_WORD || kind == TOK_LPAREN || is_redir(kind);
}

// A fresh, zeroed tree node of the given kind with the given children.
static struct cmd *
new_cmd(struct parser *ps, enum cmd_kind kind, struct cmd *left,
        struct cmd *right)
{
  struct cmd *c = &cmd_pool[ps->ncmds++];

  memset(c, 0, sizeof(*c));
  c->kind = kind;
  c->left = left;
  c->right = right;
  return c;
}

static struct cmd *parse_list(struct parser *ps);

// Parse one redirection (operator and file name) and append it to the
// list *redirs. Returns 0 on a syntax error, 1 otherwise.
static int
parse_redir(struct parser *ps, struct redir **redirs)
{
  enum tok_kind op = advance(ps)->kind;
  struct redir *r;

  if (peek(ps) != TOK_WORD) {
    syntax_error(ps, "missing file name after ", tok_text[op]);
    return 0;
  }
  r = &redir_pool[ps->nredirs++];
  memset(r, 0, sizeof(*r));
  r->file = advance(ps)->word;
  if (op == TOK_IN) {
    r->fd = STDIN;
    r->open_flags = O_RDONLY;
  } else if (op == TOK_OUT) {
    r->fd = STDOUT;
    r->open_flags = O_WRONLY | O_CREATE | O_TRUNC;
  } else {
    r->fd = STDOUT;
    r->open_flags = O_RDWR | O_CREATE;
    r->append = 1;
  }
  while (*redirs != 0) // keep them in the order they were written
    redirs = &(*redirs)->next;
  *redirs = r;
  return 1;
}

// command = { WORD | redir }, at least one of them.
static struct cmd *
parse_simple(struct parser *ps)
{
  struct cmd *c = new_cmd(ps, CMD_EXEC, 0, 0);

  c->argv = &argv_pool[ps->nargv];
  for (;;) {
    if (peek(ps) == TOK_WORD) {
      if (c->argc == MAXARG)
        return parse_error(ps, "", "too many arguments", "");
      c->argv[c->argc++] = advance(ps)->word;
    } else if (is_redir(peek(ps))) {
      if (!parse_redir(ps, &c->redirs))
        return 0;
    } else {
      break;
    }
  }
  if (c->argc == 0 && c->redirs == 0)
    return unexpected(ps);
  c->argv[c->argc] = 0;
  ps->nargv += c->argc + 1;
  return c;
}

// command = '(' list ')' { redir }  |  simple command
static struct cmd *
parse_command(struct parser *ps)
{
  struct cmd *body, *c;

  if (peek(ps) != TOK_LPAREN)
    return parse_simple(ps);
  if (ps->depth == NEST_MAX)
    return syntax_error(ps, "( ) nested too deeply", "");
  advance(ps);
  ps->depth++;
  body = parse_list(ps);
  ps->depth--;
  if (body == 0)
    return 0;
  if (peek(ps) != TOK_RPAREN) {
    if (peek(ps) == TOK_END)
      return syntax_error(ps, "missing )", "");
    return unexpected(ps);
  }
  advance(ps);
  c = new_cmd(ps, CMD_SUBSHELL, body, 0);
  while (is_redir(peek(ps))) {
    if (!parse_redir(ps, &c->redirs))
      return 0;
  }
  return c;
}

// pipeline = command { '|' command }. Built as a chain leaning right:
// a | b | c is PIPE(a, PIPE(b, c)). A loop, not recursion, so that a long
// pipeline cannot use up the shell's stack.
static struct cmd *
parse_pipeline(struct parser *ps)
{
  struct cmd *first, *last, *next, **link;

  if ((first = parse_command(ps)) == 0)
    return 0;
  link = &first;
  last = first;
  while (peek(ps) == TOK_PIPE) {
    advance(ps);
    if ((next = parse_command(ps)) == 0)
      return 0;
    *link = new_cmd(ps, CMD_PIPE, last, next);
    link = &(*link)->right;
    last = next;
  }
  return first;
}

// list = pipeline { (';' | '&') pipeline } [ ';' | '&' ]. Built as a
// chain leaning right, LIST(a, LIST(b, c)), by a loop for the same reason.
static struct cmd *
parse_list(struct parser *ps)
{
  struct cmd *first = 0, **link = &first, *item;

  for (;;) {
    if ((item = parse_pipeline(ps)) == 0)
      return 0;
    if (peek(ps) == TOK_AMP)
      item = new_cmd(ps, CMD_BACK, item, 0);
    if (peek(ps) == TOK_AMP || peek(ps) == TOK_SEMI)
      advance(ps);
    if (!starts_command(peek(ps))) {
      *link = item; // the last one; a trailing ';' or '&' is fine
      return first;
    }
    *link = new_cmd(ps, CMD_LIST, item, 0);
    link = &(*link)->right;
    if (ps->toks[ps->pos - 1].kind != TOK_SEMI &&
        ps->toks[ps->pos - 1].kind != TOK_AMP)
      return unexpected(ps); // two commands with nothing between them
  }
}

// Parse a whole line of tokens. Returns the tree, or 0 for an empty line
// or a syntax error (which has been reported; *failed is then set).
static struct cmd *
parse_line(struct token *toks, int *failed)
{
  struct parser ps;
  struct cmd *c;

  memset(&ps, 0, sizeof(ps));
  ps.toks = toks;
  if (peek(&ps) == TOK_END)
    return 0;
  c = parse_list(&ps);
  if (c != 0 && peek(&ps) != TOK_END)
    c = unexpected(&ps); // e.g. an unbalanced ')'
  *failed = ps.failed;
  return c;
}

// ---------------------------------------------------------------------
// 3. Expansion: raw words -> words
// ---------------------------------------------------------------------

// One simple command after expansion.
struct expanded {
  int argc;
  char *argv[MAXARG + 1];    // the command and its arguments, 0-terminated
  int nassigns;
  char *assigns[MAXARG];     // leading NAME=value words
  char buf[EXPAND_BYTES];    // the text of all of them
  int used;                  // bytes of buf in use
};

static struct expanded xp; // the command being run (one at a time)

// Returns the value of variable name (len bytes, not NUL-terminated):
// the special ones ($? $$ $# $0..$9) or an environment variable; "" if it
// is not set. num is scratch space for a number.
static const char *
var_value(const char *name, int len, char *num)
{
  static char name_buf[LINE_MAX + 1];
  const char *value;

  if (len == 1 && is_special_name(name[0])) {
    if (name[0] == '?' || name[0] == '$' || name[0] == '#') {
      snprintf(num, NUM_BUF, "%d", name[0] == '?'   ? last_status
                                   : name[0] == '$' ? shell_pid
                                                    : script_nargs - 1);
      return num;
    }
    int i = name[0] - '0';
    return i < script_nargs ? script_args[i] : "";
  }
  memmove(name_buf, name, len);
  name_buf[len] = 0;
  value = getenv(name_buf);
  return value != 0 ? value : "";
}

// Expand the raw word into out (size bytes): copy its text, replacing each
// variable mark by the variable's value. *drop is set to 1 if the word
// should vanish (no quotes, and it expanded to nothing).
// Returns the length, or -1 if it does not fit (reported).
static int
expand_word(const char *raw, char *out, int size, int *drop)
{
  char num[NUM_BUF];
  int len = 0, quoted = (*raw++ == MARK_QUOTED);

  for (; *raw != 0; raw++) {
    const char *text = raw;
    int n = 1;
    if (*raw == MARK_VAR) {
      const char *end = strchr(raw, MARK_END);
      text = var_value(raw + 1, end - raw - 1, num);
      n = strlen(text);
      raw = end;
    }
    if (len + n + 1 > size) {
      fprintf(STDERR, "sh: word too long after expansion\n");
      return -1;
    }
    memmove(out + len, text, n);
    len += n;
  }
  out[len] = 0;
  *drop = (len == 0 && !quoted);
  return len;
}

// Returns 1 if the raw word has the form NAME=... with a valid name.
static int
is_assignment(const char *raw)
{
  const char *p = raw + 1; // skip the quoting mark

  if (!is_name_start(*p))
    return 0;
  while (is_name_char(*p))
    p++;
  return *p == '=';
}

// Expand the words of simple command c into xp: leading NAME=value words
// go to xp.assigns, the rest to xp.argv.
// Returns 0, or -1 if a word did not fit (reported).
static int
expand_command(struct cmd *c)
{
  int len, drop, assigning = 1;
  char *out;

  xp.argc = xp.nassigns = xp.used = 0;
  for (int i = 0; i < c->argc; i++) {
    out = xp.buf + xp.used;
    len = expand_word(c->argv[i], out, EXPAND_BYTES - xp.used, &drop);
    if (len < 0)
      return -1;
    if (drop)
      continue;
    xp.used += len + 1;
    if (assigning && is_assignment(c->argv[i]))
      xp.assigns[xp.nassigns++] = out;
    else
      xp.argv[xp.argc++] = out;
    assigning = (xp.argc == 0);
  }
  xp.argv[xp.argc] = 0;
  return 0;
}

// Set the variables in xp.assigns ("NAME=value") in the environment.
// Returns 0, or STATUS_FAILED if one could not be set (reported).
static int
apply_assignments(void)
{
  for (int i = 0; i < xp.nassigns; i++) {
    char *eq = strchr(xp.assigns[i], '=');
    *eq = 0; // split NAME=value in place, and put it back after
    int r = setenv(xp.assigns[i], eq + 1, 1);
    *eq = '=';
    if (r < 0) {
      fprintf(STDERR, "sh: cannot set %s\n", xp.assigns[i]);
      return STATUS_FAILED;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------
// 4. Executor
// ---------------------------------------------------------------------

static int run(struct cmd *c);

// Builtin commands: run by the shell, not found on disk.
struct builtin {
  const char *name;
  int (*fn)(int argc, char **argv); // returns the exit status
};

// Returns 1 if s is a valid variable name (and reports it if not).
static int
check_name(const char *cmd, const char *s)
{
  const char *p = s;

  if (is_name_start(*p)) {
    while (is_name_char(*p))
      p++;
    if (*p == 0)
      return 1;
  }
  fprintf(STDERR, "sh: %s: '%s' is not a valid name\n", cmd, s);
  return 0;
}

// cd [dir]: change the current directory (to $HOME, or "/" without it).
static int
builtin_cd(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : getenv("HOME");

  if (dir == 0)
    dir = "/";
  if (argc > 2) {
    fprintf(STDERR, "sh: cd: too many arguments\n");
    return STATUS_FAILED;
  }
  if (chdir(dir) < 0) {
    fprintf(STDERR, "sh: cd: cannot change to %s\n", dir);
    return STATUS_FAILED;
  }
  return 0;
}

// exit [status]: leave the shell, with the last command's status if none
// is given.
static int
builtin_exit(int argc, char **argv)
{
  exit(argc > 1 ? atoi(argv[1]) : last_status);
}

// export: list the environment. export NAME=value ...: set variables.
// (export NAME alone does nothing: every variable is exported already.)
static int
builtin_export(int argc, char **argv)
{
  int status = 0;

  if (argc == 1) {
    for (char **e = environ; e != 0 && *e != 0; e++)
      printf("export %s\n", *e);
    return 0;
  }
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (eq != 0)
      *eq = 0;
    if (!check_name("export", argv[i])) {
      status = STATUS_FAILED;
    } else if (eq != 0 && setenv(argv[i], eq + 1, 1) < 0) {
      fprintf(STDERR, "sh: export: cannot set %s\n", argv[i]);
      status = STATUS_FAILED;
    }
  }
  return status;
}

// unset NAME ...: remove variables from the environment.
static int
builtin_unset(int argc, char **argv)
{
  int status = 0;

  for (int i = 1; i < argc; i++) {
    if (!check_name("unset", argv[i]))
      status = STATUS_FAILED;
    else
      unsetenv(argv[i]);
  }
  return status;
}

static const struct builtin builtins[] = {
  { "cd", builtin_cd },
  { "exit", builtin_exit },
  { "export", builtin_export },
  { "unset", builtin_unset },
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

// Returns the builtin called name, or 0 if there is none (or name is 0).
static const struct builtin *
find_builtin(const char *name)
{
  if (name == 0)
    return 0;
  for (uint i = 0; i < NBUILTINS; i++) {
    if (strcmp(name, builtins[i].name) == 0)
      return &builtins[i];
  }
  return 0;
}

// Make file descriptor `target` refer to the same open file as fd, and
// close fd. Returns 0, or -1 if that fails.
static int
move_fd(int fd, int target)
{
  if (fd == target)
    return 0;
  close(target);
  if (dup(fd) != target) { // dup returns the lowest free descriptor
    close(fd);
    return -1;
  }
  close(fd);
  return 0;
}

// Move the file offset of fd to the end of the file by reading to the end
// (the xv6 system calls have no lseek and no O_APPEND). Only regular files
// are read: reading a device such as the console would wait for input.
// Returns 0, or -1 on an error.
static int
seek_to_end(int fd)
{
  char buf[SEEK_BUF_SIZE];
  struct stat st;
  int n;

  if (fstat(fd, &st) < 0)
    return -1;
  if (st.type != T_FILE)
    return 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    ;
  return n;
}

// Apply a list of redirections to this process's fds 0 and 1, expanding
// each file name first. Returns 0, or -1 after reporting a file that
// cannot be opened.
static int
apply_redirs(struct redir *r)
{
  char file[MAXPATH];
  int fd, drop;

  for (; r != 0; r = r->next) {
    if (expand_word(r->file, file, sizeof(file), &drop) < 0)
      return -1;
    fd = open(file, r->open_flags);
    if (fd < 0) {
      fprintf(STDERR, "sh: cannot open %s\n", file);
      return -1;
    }
    if ((r->append && seek_to_end(fd) < 0) || move_fd(fd, r->fd) < 0) {
      fprintf(STDERR, "sh: cannot redirect to %s\n", file);
      return -1;
    }
  }
  return 0;
}

// Look for the program name: used as it is if it contains a '/', else in
// each directory of $PATH (an empty entry is the current directory; no
// PATH at all means PATH_DEFAULT, as for execvp).
// Fills path (MAXPATH bytes) with the first existing file.
// Returns 1 if one was found, 0 if not.
static int
find_program(const char *name, char *path)
{
  const char *dirs = getenv("PATH"), *end;
  struct stat st;
  uint dlen, nlen = strlen(name);

  if (strchr(name, '/') != 0) {
    if (nlen + 1 > MAXPATH)
      return 0;
    strcpy(path, name);
    return stat(path, &st) == 0;
  }
  if (dirs == 0)
    dirs = PATH_DEFAULT;
  for (;; dirs = end + 1) {
    end = strchr(dirs, ':');
    dlen = end != 0 ? end - dirs : strlen(dirs);
    if (dlen + 1 + nlen + 1 <= MAXPATH) {
      memmove(path, dirs, dlen);
      if (dlen > 0 && path[dlen - 1] != '/')
        path[dlen++] = '/';
      strcpy(path + dlen, name);
      if (stat(path, &st) == 0 && st.type == T_FILE)
        return 1;
    }
    if (end == 0)
      return 0;
  }
}

// Replace this process with the program argv[0], found through $PATH.
// Never returns: if the program cannot be run, exits with status 127 (not
// found) or 126 (found, but exec failed: not a program, say).
static void __attribute__((noreturn))
exec_program(char **argv)
{
  char path[MAXPATH];

  if (!find_program(argv[0], path)) {
    fprintf(STDERR, "sh: %s: not found\n", argv[0]);
    exit(STATUS_NOTFOUND);
  }
  exec(path, argv);
  fprintf(STDERR, "sh: %s: cannot execute\n", argv[0]);
  exit(STATUS_NOEXEC);
}

// Run simple command c in this process, which is a child forked for it:
// expand, redirect, set the NAME=value variables, then run the builtin or
// program. Never returns: exits with the command's status.
static void __attribute__((noreturn))
exec_simple(struct cmd *c)
{
  const struct builtin *b;

  if (expand_command(c) < 0 || apply_redirs(c->redirs) < 0)
    exit(STATUS_FAILED);
  if (xp.argc == 0) // only redirections, e.g. "> file" creates file
    exit(0);
  if (apply_assignments() != 0)
    exit(STATUS_FAILED);
  b = find_builtin(xp.argv[0]);
  if (b != 0)
    exit(b->fn(xp.argc, xp.argv));
  exec_program(xp.argv);
}

// Run c in this process, which is a child forked for it.
// Never returns: exits with c's exit status.
static void __attribute__((noreturn))
run_in_child(struct cmd *c)
{
  switch (c->kind) {
  case CMD_EXEC:
    exec_simple(c);
  case CMD_SUBSHELL:
    if (apply_redirs(c->redirs) < 0)
      exit(STATUS_FAILED);
    exit(run(c->left));
  default:
    exit(run(c));
  }
}

// Wait for the child pid to exit, reaping (and ignoring) any other
// children that exit first, such as finished background jobs.
// Returns pid's exit status, or 1 if there is no such child.
static int
wait_for(int pid)
{
  int status, reaped;

  for (;;) {
    reaped = wait(&status);
    if (reaped == pid)
      return status;
    if (reaped < 0)
      return STATUS_FAILED;
  }
}

// Wait until the n children in pids have all exited, reaping (and
// ignoring) other children, such as finished background jobs, meanwhile.
// Returns the exit status of the last one, pids[n - 1].
static int
wait_for_all(int *pids, int n)
{
  int status, reaped, last_status = STATUS_FAILED, remaining = n;

  while (remaining > 0) {
    reaped = wait(&status);
    if (reaped < 0)
      break;
    for (int i = 0; i < n; i++) {
      if (pids[i] == reaped) {
        remaining--;
        if (i == n - 1)
          last_status = status;
      }
    }
  }
  return last_status;
}

// Fork a child that runs c with fd in_fd as its fd 0 and out_fd as its
// fd 1 (-1: keep the shell's); unused_fd, if not -1, is closed in the
// child. The shell's buffered output is flushed first, or the child would
// print it again. Returns the child's pid, or -1 if fork fails (reported).
static int
spawn(struct cmd *c, int in_fd, int out_fd, int unused_fd)
{
  int pid;

  fflush(-1);
  pid = fork();
  if (pid < 0) {
    fprintf(STDERR, "sh: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    if (input_fd != STDIN) // the script belongs to the shell
      close(input_fd);
    if (unused_fd >= 0)
      close(unused_fd);
    if ((in_fd >= 0 && move_fd(in_fd, STDIN) < 0) ||
        (out_fd >= 0 && move_fd(out_fd, STDOUT) < 0))
      exit(STATUS_FAILED);
    run_in_child(c);
  }
  return pid;
}

// Run the pipeline a | b | ... | z (a chain of CMD_PIPE nodes). The shell
// starts every stage itself, in order, each in its own child, with a pipe
// from each stage's fd 1 to the next stage's fd 0. Returns the last
// stage's exit status (1 if a pipe or a fork failed).
static int
run_pipe(struct cmd *c)
{
  static int pids[TOKEN_MAX]; // one per stage; a stage takes >= 1 token
  int n = 0, in_fd = -1, fds[2], pid, complete = 0;

  for (;;) {
    int last = (c->kind != CMD_PIPE);
    fds[0] = fds[1] = -1;
    if (!last && pipe(fds) < 0) {
      fprintf(STDERR, "sh: pipe failed\n");
      break;
    }
    pid = spawn(last ? c : c->left, in_fd, fds[1], fds[0]);
    // The shell must not keep pipe ends open: a reader sees end of file
    // only when every copy of the write end is closed.
    if (in_fd >= 0)
      close(in_fd);
    if (fds[1] >= 0)
      close(fds[1]);
    in_fd = fds[0];
    if (pid < 0)
      break;
    pids[n++] = pid;
    if (last) {
      complete = 1;
      break;
    }
    c = c->right;
  }
  if (in_fd >= 0) // a stage could not be started: nobody reads this
    close(in_fd);
  int status = wait_for_all(pids, n);
  return complete ? status : STATUS_FAILED;
}

// Run a simple command or a subshell from the shell itself. A simple
// command that is only NAME=value words sets them in the shell; a lone
// builtin runs right here; anything else runs in a child that is waited
// for. Returns the exit status.
static int
run_command(struct cmd *c)
{
  const struct builtin *b = 0;
  int pid;

  if (c->kind == CMD_EXEC) {
    if (expand_command(c) < 0)
      return STATUS_FAILED;
    if (xp.argc == 0 && c->redirs == 0)
      return apply_assignments();
    b = find_builtin(xp.argv[0]);
  }
  if (b != 0 && c->redirs == 0 && xp.nassigns == 0)
    return b->fn(xp.argc, xp.argv);
  pid = spawn(c, -1, -1, -1);
  return pid < 0 ? STATUS_FAILED : wait_for(pid);
}

// Run the command tree c and return its exit status (also kept in
// last_status, for $?). Lists run in order; '&' jobs are started and not
// waited for.
static int
run(struct cmd *c)
{
  int status;

  while (c->kind == CMD_LIST) { // a loop: lists can be long
    last_status = run(c->left);
    c = c->right;
  }
  switch (c->kind) {
  case CMD_BACK:
    status = spawn(c->left, -1, -1, -1) < 0 ? STATUS_FAILED : 0;
    break;
  case CMD_PIPE:
    status = run_pipe(c);
    break;
  default:
    status = run_command(c);
    break;
  }
  last_status = status;
  return status;
}

// ---------------------------------------------------------------------
// Main loop
// ---------------------------------------------------------------------

// Tokenize, parse and run one line. Returns its exit status (also in
// last_status).
static int
run_line(const char *line)
{
  static struct token toks[TOKEN_MAX];
  struct cmd *tree;
  int failed = 0;

  if (tokenize(line, toks) < 0) {
    last_status = STATUS_SYNTAX;
    return last_status;
  }
  tree = parse_line(toks, &failed);
  if (failed)
    last_status = STATUS_SYNTAX;
  else if (tree != 0)
    run(tree);
  return last_status;
}

// Read one line from fd into buf (size bytes), without its newline.
// Reads one byte at a time, so that input after the line stays unread for
// the commands that the line runs. A line longer than size - 1 bytes is
// reported and discarded (buf is left empty).
// Returns 1 if a line (possibly empty) was read, 0 at end of input.
static int
read_line(int fd, char *buf, int size)
{
  int len = 0, too_long = 0;
  char c;

  for (;;) {
    if (read(fd, &c, 1) < 1) {
      if (len == 0 && !too_long)
        return 0;
      break;
    }
    if (c == '\n')
      break;
    if (len < size - 1)
      buf[len++] = c;
    else
      too_long = 1;
  }
  buf[len] = 0;
  if (too_long) {
    fprintf(STDERR, "sh: line too long (the limit is %d bytes)\n", size - 1);
    buf[0] = 0;
    last_status = STATUS_SYNTAX;
  }
  return 1;
}

// Make sure fds 0, 1 and 2 are open (on the console if they were not), so
// that files the shell opens never take the place of standard output.
static void
ensure_std_fds(void)
{
  int fd;

  while ((fd = open(CONSOLE_PATH, O_RDWR)) >= 0) {
    if (fd > STDERR) {
      close(fd);
      break;
    }
  }
}

// Look at the arguments: `sh -c line` runs the line and exits; `sh file
// [args]` reads commands from file (input_fd). Sets $0.. for the script.
static void
parse_args(int argc, char *argv[])
{
  script_args = argv;
  script_nargs = argc;
  if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
    if (argc < 3) {
      fprintf(STDERR, "usage: sh -c line\n");
      exit(STATUS_SYNTAX);
    }
    if (argc > 3) { // sh -c line name args...: $0 = name, $1... = args
      script_args = argv + 3;
      script_nargs = argc - 3;
    } else {
      script_nargs = 1; // $0 = "sh"
    }
    exit(run_line(argv[2]));
  }
  if (argc >= 2) {
    script_args = argv + 1;
    script_nargs = argc - 1;
    input_fd = open(argv[1], O_RDONLY);
    if (input_fd < 0) {
      fprintf(STDERR, "sh: cannot open %s\n", argv[1]);
      exit(STATUS_NOTFOUND);
    }
  }
}

int
main(int argc, char *argv[])
{
  static char line[LINE_MAX + 1];

  ensure_std_fds();
  shell_pid = getpid();
  if (getenv("PATH") == 0)
    setenv("PATH", PATH_IF_UNSET, 1);
  parse_args(argc, argv);
  for (;;) {
    if (input_fd == STDIN) {
      fflush(-1);
      write(STDOUT, PROMPT, strlen(PROMPT));
    }
    if (!read_line(input_fd, line, sizeof(line)))
      break;
    run_line(line);
  }
  exit(last_status);
}
