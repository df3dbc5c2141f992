// sh: the command shell.
//
// Reads one line at a time (printing the prompt "$ " first) and runs it.
// A line goes through three stages, each in its own section below:
//
//   1. tokenize: split the text into words and operators  | ; & ( ) < > >>
//   2. parse:    build a tree of struct cmd by recursive descent
//   3. run:      walk the tree, forking a process per program
//
// Grammar (one line; '#' starts a comment that runs to the end of the line):
//
//   line     = [ list ] END
//   list     = pipeline [ ( ';' | '&' ) [ list ] ]     '&': run in background
//   pipeline = command [ '|' pipeline ]
//   command  = '(' list ')' { redir }                  a subshell
//            | { WORD | redir }                        at least one of them
//   redir    = ( '<' | '>' | '>>' ) WORD
//
// Builtins: cd [dir], exit [status]. They run inside the shell itself when
// they are a plain command on their own (so `cd` changes the shell's
// directory); in a pipeline, a background job or with redirections they run
// in a child process like any other command.
//
// Usage: sh            read commands from fd 0, prompting with "$ "
//        sh file       read commands from file, without prompts

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

#define LINE_MAX 512              // longest command line accepted, in bytes
#define TOKEN_MAX (LINE_MAX + 1)  // every token uses >= 1 byte; +1 for TOK_END
#define WORD_BYTES (2 * LINE_MAX) // room for every word plus its NUL
#define CMD_MAX (2 * LINE_MAX)    // nodes per token: 1, or 2 for '&' (BACK, LIST)
#define REDIR_MAX (LINE_MAX / 2)  // a redirection takes two tokens
#define SEEK_BUF_SIZE 512         // read size when seeking to the end of a file
#define ARGV_SLOTS (2 * LINE_MAX) // words plus one 0 terminator per command
#define PROMPT "$ "
#define CONSOLE_PATH "console"
#define STDIN 0
#define STDOUT 1
#define STDERR 2

// Exit status of the last command run, for `exit` without an argument.
static int last_status;
// Where commands are read from: fd 0, or a script file.
static int input_fd = STDIN;

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
  char *word; // TOK_WORD: the word's text (NUL-terminated), else 0
};

// The tokenizer's state for one line.
struct lexer {
  const char *p;        // next character to look at
  char *word_end;       // free space in word_store
  struct token *toks;   // output array
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

// Copy the word starting at lx->p into word_store and return its copy.
// A word runs until a blank, an operator or the end of the line.
// (Quotes and $VAR expansion will be handled here.)
static char *
lex_word(struct lexer *lx)
{
  char *word = lx->word_end;

  while (*lx->p != 0 && !is_blank(*lx->p) && !is_operator(*lx->p))
    *lx->word_end++ = *lx->p++;
  *lx->word_end++ = 0;
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

// Split line into tokens, stored in toks (room for TOKEN_MAX) and ended by
// a TOK_END token. line must be at most LINE_MAX bytes long.
static void
tokenize(const char *line, struct token *toks)
{
  struct lexer lx = { line, word_store, toks, 0 };

  for (;;) {
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
  char *file;
  struct redir *next;  // the next redirection, applied after this one
};

struct cmd {
  enum cmd_kind kind;
  int argc;             // CMD_EXEC
  char **argv;          // CMD_EXEC: argc words, then 0
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

  if (t->kind == TOK_END)
    return syntax_error(ps, "unexpected end of line", "");
  if (t->kind == TOK_WORD)
    return syntax_error(ps, "unexpected word ", t->word);
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
  advance(ps);
  body = parse_list(ps);
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

// pipeline = command [ '|' pipeline ]
static struct cmd *
parse_pipeline(struct parser *ps)
{
  struct cmd *left, *right;

  left = parse_command(ps);
  if (left == 0 || peek(ps) != TOK_PIPE)
    return left;
  advance(ps);
  right = parse_pipeline(ps);
  if (right == 0)
    return 0;
  return new_cmd(ps, CMD_PIPE, left, right);
}

// list = pipeline [ ( ';' | '&' ) [ list ] ]
static struct cmd *
parse_list(struct parser *ps)
{
  struct cmd *first, *rest;

  first = parse_pipeline(ps);
  if (first == 0)
    return 0;
  if (peek(ps) == TOK_AMP)
    first = new_cmd(ps, CMD_BACK, first, 0);
  else if (peek(ps) != TOK_SEMI)
    return first;
  advance(ps);
  if (!starts_command(peek(ps)))
    return first; // a trailing ';' or '&'
  rest = parse_list(ps);
  if (rest == 0)
    return 0;
  return new_cmd(ps, CMD_LIST, first, rest);
}

// Parse a whole line of tokens. Returns the tree, or 0 for an empty line
// or a syntax error (which has been reported).
static struct cmd *
parse_line(struct token *toks)
{
  struct parser ps = { toks, 0, 0, 0, 0, 0 };
  struct cmd *c;

  if (peek(&ps) == TOK_END)
    return 0;
  c = parse_list(&ps);
  if (c != 0 && peek(&ps) != TOK_END)
    return unexpected(&ps); // e.g. an unbalanced ')'
  return c;
}

// ---------------------------------------------------------------------
// 3. Executor
// ---------------------------------------------------------------------

static int run(struct cmd *c);

// Builtin commands: run by the shell, not found on disk.
struct builtin {
  const char *name;
  int (*fn)(int argc, char **argv); // returns the exit status
};

// cd [dir]: change the current directory (to "/" without an argument).
static int
builtin_cd(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "/";

  if (argc > 2) {
    fprintf(STDERR, "sh: cd: too many arguments\n");
    return 1;
  }
  if (chdir(dir) < 0) {
    fprintf(STDERR, "sh: cd: cannot change to %s\n", dir);
    return 1;
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

static const struct builtin builtins[] = {
  { "cd", builtin_cd },
  { "exit", builtin_exit },
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

// Returns the builtin named by c's first word, or 0 if it is not one.
static const struct builtin *
find_builtin(struct cmd *c)
{
  if (c->kind != CMD_EXEC || c->argc == 0)
    return 0;
  for (uint i = 0; i < NBUILTINS; i++) {
    if (strcmp(c->argv[0], builtins[i].name) == 0)
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

// Apply a list of redirections to this process's fds 0 and 1.
// Returns 0, or -1 after reporting a file that cannot be opened.
static int
apply_redirs(struct redir *r)
{
  int fd;

  for (; r != 0; r = r->next) {
    fd = open(r->file, r->open_flags);
    if (fd < 0) {
      fprintf(STDERR, "sh: cannot open %s\n", r->file);
      return -1;
    }
    if ((r->append && seek_to_end(fd) < 0) || move_fd(fd, r->fd) < 0) {
      fprintf(STDERR, "sh: cannot redirect to %s\n", r->file);
      return -1;
    }
  }
  return 0;
}

// Replace this process with the program argv[0]: try the name as given,
// then (for a bare name) in the root directory, where programs live.
// Never returns: if the program is not found, exits with status 1.
static void __attribute__((noreturn))
exec_program(char **argv)
{
  char path[MAXPATH];

  exec(argv[0], argv);
  if (strchr(argv[0], '/') == 0 && strlen(argv[0]) + 2 <= sizeof(path)) {
    path[0] = '/';
    strcpy(path + 1, argv[0]);
    exec(path, argv);
  }
  fprintf(STDERR, "sh: %s: not found\n", argv[0]);
  exit(1);
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
      return 1;
  }
}

// Wait for both children of a pipeline. Returns the exit status of the
// right one (the pipeline's status), or 1 if it could not be collected.
static int
wait_for_both(int left, int right)
{
  int status, reaped, right_status = 1, remaining = 2;

  while (remaining > 0) {
    reaped = wait(&status);
    if (reaped < 0)
      break;
    if (reaped == left || reaped == right)
      remaining--;
    if (reaped == right)
      right_status = status;
  }
  return right_status;
}

// Run c in this process, which is a child forked for it.
// Never returns: exits with c's exit status.
static void __attribute__((noreturn))
run_in_child(struct cmd *c)
{
  const struct builtin *b;

  switch (c->kind) {
  case CMD_EXEC:
    if (apply_redirs(c->redirs) < 0)
      exit(1);
    if (c->argc == 0) // only redirections, e.g. "> file" creates file
      exit(0);
    b = find_builtin(c);
    if (b != 0)
      exit(b->fn(c->argc, c->argv));
    exec_program(c->argv);
  case CMD_SUBSHELL:
    if (apply_redirs(c->redirs) < 0)
      exit(1);
    exit(run(c->left));
  default:
    exit(run(c));
  }
}

// In a freshly forked child: close the script the shell reads commands
// from (if any); it belongs to the shell, not to the commands.
static void
close_script(void)
{
  if (input_fd != STDIN)
    close(input_fd);
}

// Fork a child that runs c. Returns the child's pid, or -1 if fork fails
// (reported).
static int
spawn(struct cmd *c)
{
  int pid = fork();

  if (pid < 0) {
    fprintf(STDERR, "sh: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    close_script();
    run_in_child(c);
  }
  return pid;
}

// Fork a child that runs c with the pipe end `end` as its fd `target`
// (STDIN or STDOUT); `other_end` is closed in the child.
// Returns the child's pid, or -1 if fork fails (reported).
static int
spawn_piped(struct cmd *c, int end, int target, int other_end)
{
  int pid = fork();

  if (pid < 0) {
    fprintf(STDERR, "sh: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    close_script();
    close(other_end);
    if (move_fd(end, target) < 0)
      exit(1);
    run_in_child(c);
  }
  return pid;
}

// Run left | right: both sides run in children, left's fd 1 feeding
// right's fd 0 through a pipe. Returns right's exit status (1 if the pipe
// or a fork fails).
static int
run_pipe(struct cmd *c)
{
  int fds[2], left, right = -1;

  if (pipe(fds) < 0) {
    fprintf(STDERR, "sh: pipe failed\n");
    return 1;
  }
  left = spawn_piped(c->left, fds[1], STDOUT, fds[0]);
  if (left >= 0)
    right = spawn_piped(c->right, fds[0], STDIN, fds[1]);
  // The shell must not keep the pipe open: the reader sees end of file
  // only when every copy of the write end is closed.
  close(fds[0]);
  close(fds[1]);
  if (left < 0)
    return 1;
  if (right < 0) {
    wait_for(left);
    return 1;
  }
  return wait_for_both(left, right);
}

// Run the command tree c and return its exit status (also kept in
// last_status). Lists run in order; '&' jobs are started and not waited
// for; a lone builtin runs right here; anything else runs in a child that
// is waited for.
static int
run(struct cmd *c)
{
  const struct builtin *b;
  int pid, status;

  switch (c->kind) {
  case CMD_LIST:
    run(c->left);
    status = run(c->right);
    break;
  case CMD_BACK:
    spawn(c->left);
    status = 0;
    break;
  case CMD_PIPE:
    status = run_pipe(c);
    break;
  default:
    b = find_builtin(c);
    if (b != 0 && c->redirs == 0) {
      status = b->fn(c->argc, c->argv);
    } else {
      pid = spawn(c);
      status = pid < 0 ? 1 : wait_for(pid);
    }
    break;
  }
  last_status = status;
  return status;
}

// ---------------------------------------------------------------------
// Main loop
// ---------------------------------------------------------------------

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
    fprintf(STDERR, "sh: line too long\n");
    buf[0] = 0;
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

int
main(int argc, char *argv[])
{
  static char line[LINE_MAX + 1];
  static struct token toks[TOKEN_MAX];
  struct cmd *tree;

  ensure_std_fds();
  if (argc > 2) {
    fprintf(STDERR, "usage: sh [file]\n");
    exit(1);
  }
  if (argc == 2) {
    input_fd = open(argv[1], O_RDONLY);
    if (input_fd < 0) {
      fprintf(STDERR, "sh: cannot open %s\n", argv[1]);
      exit(1);
    }
  }
  for (;;) {
    if (input_fd == STDIN)
      write(STDOUT, PROMPT, strlen(PROMPT));
    if (!read_line(input_fd, line, sizeof(line)))
      break;
    tokenize(line, toks);
    tree = parse_line(toks);
    if (tree != 0)
      run(tree);
  }
  exit(last_status);
}
