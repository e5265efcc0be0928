// The power-cut recorder: an LD_PRELOAD library for the power-cut test (power_cut_test.cpp),
// never linked into the product. Loaded into `linli serve`, it records every change the process
// makes to the files of one folder (the database, its -wal and -journal, and the folder's own
// entries) and every fsync/fdatasync of them, in the order the kernel saw them, into a log file
// outside that folder. After the process is killed with SIGKILL, powercut_log.cpp replays the
// log to rebuild the folder as a disk would hold it after a power cut at that instant: what was
// synced kept, what was written after the last sync of its file dropped (or a seeded part of it).
//
//   POWERCUT_DIR=/abs/folder   the folder to watch (paths compared as strings: give it as the
//                              process will name its files, absolute, no trailing slash)
//   POWERCUT_LOG=/abs/file     where the records go (appended; must not be inside the folder)
//
// Each record is written after its call returned and before the call returns to the caller, so
// a sync is in the log before anything that waited for it (an acknowledgement) can happen; a
// call the process died inside is missing from the log, which only ever drops unsynced data.
// One mutex orders the calls on watched descriptors with their records, across threads.
// The -shm file is not watched: SQLite rebuilds it after a crash, and the rebuild deletes it.
// What the model cannot replay (a writable shared mapping of a watched file, O_DIRECT, writev,
// rename) is logged as "unsupported", and the test fails on it instead of trusting a wrong copy.

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "tests/power/powercut_record.hpp"

namespace {

using linli::power::Op;
using linli::power::RecordHeader;

// Descriptors above this are not watched; SQLite's few files get low numbers.
constexpr int kMaxFd = 65536;

// An LD_PRELOAD library has no caller to receive its state: it lives here, set once by the
// constructor below before the program's main runs.
struct Shim {
  bool active = false;
  int log_fd = -1;
  char dir[4096] = {};
  size_t dir_len = 0;
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  std::uint32_t next_id = 1;
  std::atomic<std::uint32_t> ids[kMaxFd] = {};  // fd → the open's id, 0 when not watched

  Shim();

  int (*open)(const char*, int, ...) = nullptr;
  int (*openat)(int, const char*, int, ...) = nullptr;
  int (*close)(int) = nullptr;
  int (*dup)(int) = nullptr;
  int (*dup2)(int, int) = nullptr;
  int (*dup3)(int, int, int) = nullptr;
  ssize_t (*write)(int, const void*, size_t) = nullptr;
  ssize_t (*pwrite)(int, const void*, size_t, off_t) = nullptr;
  ssize_t (*writev)(int, const struct iovec*, int) = nullptr;
  ssize_t (*pwritev)(int, const struct iovec*, int, off_t) = nullptr;
  int (*ftruncate)(int, off_t) = nullptr;
  int (*fsync)(int) = nullptr;
  int (*fdatasync)(int) = nullptr;
  int (*unlink)(const char*) = nullptr;
  int (*unlinkat)(int, const char*, int) = nullptr;
  int (*rename)(const char*, const char*) = nullptr;
  void* (*mmap)(void*, size_t, int, int, int, off_t) = nullptr;
};

template <typename F>
void resolve(F& f, const char* name) {
  f = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

// The real calls are looked up on first use, which may come from another library's
// constructor before start() below has run.
Shim::Shim() {
  resolve(open, "open");
  resolve(openat, "openat");
  resolve(close, "close");
  resolve(dup, "dup");
  resolve(dup2, "dup2");
  resolve(dup3, "dup3");
  resolve(write, "write");
  resolve(pwrite, "pwrite");
  resolve(writev, "writev");
  resolve(pwritev, "pwritev");
  resolve(ftruncate, "ftruncate");
  resolve(fsync, "fsync");
  resolve(fdatasync, "fdatasync");
  resolve(unlink, "unlink");
  resolve(unlinkat, "unlinkat");
  resolve(rename, "rename");
  resolve(mmap, "mmap");
}

Shim& shim() {
  static Shim s;
  return s;
}

class Lock {
 public:
  Lock() { pthread_mutex_lock(&shim().mu); }
  ~Lock() { pthread_mutex_unlock(&shim().mu); }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
};

// Appends one record; under the lock. A record cut short by the kill is ignored by the reader.
void record(Op op, std::uint32_t id, std::uint64_t off, const void* data, std::uint32_t len) {
  Shim& s = shim();
  RecordHeader h;
  h.op = static_cast<std::uint32_t>(op);
  h.id = id;
  h.off = off;
  h.len = len;
  struct iovec iov[2] = {{&h, sizeof h}, {const_cast<void*>(data), len}};
  const char* p = nullptr;
  size_t left = sizeof h + len;
  // writev may write less than asked; finish it with plain writes of what is left.
  ssize_t n = s.writev(s.log_fd, iov, len ? 2 : 1);
  if (n < 0) std::abort();  // a record we cannot write would make the copy a lie
  size_t done = static_cast<size_t>(n);
  while (done < left) {
    if (done < sizeof h) {
      p = reinterpret_cast<const char*>(&h) + done;
      n = s.write(s.log_fd, p, sizeof h - done);
    } else {
      p = static_cast<const char*>(data) + (done - sizeof h);
      n = s.write(s.log_fd, p, left - done);
    }
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
}

void unsupported(std::uint32_t id, const char* what) {
  record(Op::unsupported, id, 0, what, static_cast<std::uint32_t>(strlen(what)));
}

// "name" when `path` is <dir>/name, "." when it is the folder itself, nullptr otherwise; the
// -shm file is not watched (see above).
const char* watched_name(const char* path) {
  const Shim& s = shim();
  if (!s.active || path == nullptr || strncmp(path, s.dir, s.dir_len) != 0) return nullptr;
  const char* rest = path + s.dir_len;
  if (*rest == '\0') return ".";
  if (*rest != '/' || rest[1] == '\0' || strchr(rest + 1, '/') != nullptr) return nullptr;
  size_t n = strlen(rest + 1);
  if (n >= 4 && strcmp(rest + 1 + n - 4, "-shm") == 0) return nullptr;
  return rest + 1;
}

std::uint32_t id_of(int fd) {
  if (!shim().active || fd < 0 || fd >= kMaxFd) return 0;
  return shim().ids[fd].load(std::memory_order_acquire);
}

// open/openat on a watched path: records whether the call created the file or emptied it.
int watched_open(const char* path, const char* name, int fd_result_of_open(void*), void* ctx,
                 int flags) {
  Shim& s = shim();
  Lock lock;
  struct stat st;
  bool existed = ::stat(path, &st) == 0;
  int fd = fd_result_of_open(ctx);
  if (fd < 0) return fd;
  int saved = errno;
  if (fd < kMaxFd) {
    std::uint32_t id = s.next_id++;
    std::uint64_t bits = (existed ? 0 : linli::power::kCreated) |
                         ((flags & O_TRUNC) && existed ? linli::power::kTruncated : 0);
    record(Op::open, id, bits, name, static_cast<std::uint32_t>(strlen(name)));
#ifdef O_DIRECT
    if (flags & O_DIRECT) unsupported(id, "O_DIRECT");
#endif
    s.ids[fd].store(id, std::memory_order_release);
  } else {
    unsupported(0, "a watched file opened on a descriptor above the shim's table");
  }
  errno = saved;
  return fd;
}

struct OpenArgs {
  int dirfd;
  const char* path;
  int flags;
  mode_t mode;
  bool at;
};

int do_open(void* ctx) {
  auto* a = static_cast<OpenArgs*>(ctx);
  return a->at ? shim().openat(a->dirfd, a->path, a->flags, a->mode)
               : shim().open(a->path, a->flags, a->mode);
}

int open_any(bool at, int dirfd, const char* path, int flags, mode_t mode) {
  OpenArgs a{dirfd, path, flags, mode, at};
  const char* name = (at && dirfd != AT_FDCWD && path[0] != '/') ? nullptr : watched_name(path);
  if (name == nullptr) return do_open(&a);
  return watched_open(path, name, do_open, &a, flags);
}

bool needs_mode(int flags) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

// The optional third argument of open and openat, read only when the flags say it is there.
mode_t mode_arg(int flags, va_list ap) {
  return needs_mode(flags) ? va_arg(ap, mode_t) : 0;
}

ssize_t write_at(int fd, const void* buf, size_t n, off_t off, bool positional) {
  Shim& s = shim();
  std::uint32_t id = id_of(fd);
  if (id == 0) return positional ? s.pwrite(fd, buf, n, off) : s.write(fd, buf, n);
  Lock lock;
  off_t at = positional ? off : lseek(fd, 0, SEEK_CUR);
  ssize_t r = positional ? s.pwrite(fd, buf, n, off) : s.write(fd, buf, n);
  if (r > 0) {
    int saved = errno;
    if (at < 0 || (!positional && (fcntl(fd, F_GETFL) & O_APPEND))) {
      unsupported(id, "write at an unknown offset");
    } else {
      record(Op::write, id, static_cast<std::uint64_t>(at), buf, static_cast<std::uint32_t>(r));
    }
    errno = saved;
  }
  return r;
}

int sync_any(int fd, bool data_only) {
  Shim& s = shim();
  std::uint32_t id = id_of(fd);
  if (id == 0) return data_only ? s.fdatasync(fd) : s.fsync(fd);
  Lock lock;
  int r = data_only ? s.fdatasync(fd) : s.fsync(fd);
  if (r == 0) record(Op::sync, id, 0, nullptr, 0);
  return r;
}

int unlink_any(const char* name, int r) {
  if (r == 0) record(Op::unlink, 0, 0, name, static_cast<std::uint32_t>(strlen(name)));
  return r;
}

__attribute__((constructor)) void start() {
  Shim& s = shim();
  const char* dir = getenv("POWERCUT_DIR");
  const char* log = getenv("POWERCUT_LOG");
  if (dir == nullptr || log == nullptr || dir[0] != '/') return;
  size_t n = strlen(dir);
  if (n >= sizeof s.dir) return;
  memcpy(s.dir, dir, n + 1);
  s.dir_len = n;
  s.log_fd = s.open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (s.log_fd < 0) std::abort();  // asked to record and cannot: better no run than a lie
  s.active = true;
}

}  // namespace

// ---- The interposed calls.

extern "C" {

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_any(false, AT_FDCWD, path, flags, mode);
}

int __open_2(const char* path, int flags) {
  return open_any(false, AT_FDCWD, path, flags, 0);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_any(true, dirfd, path, flags, mode);
}

int creat(const char* path, mode_t mode) {
  return open_any(false, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int close(int fd) {
  Shim& s = shim();
  if (id_of(fd) == 0) return s.close(fd);
  // Forget the descriptor before the kernel may hand its number to another thread's socket.
  Lock lock;
  std::uint32_t id = s.ids[fd].exchange(0, std::memory_order_acq_rel);
  record(Op::close, id, 0, nullptr, 0);
  return s.close(fd);
}

// A duplicate shares its open file (dd writes to its output through a dup2 onto fd 1).
int dup(int fd) {
  Shim& s = shim();
  std::uint32_t id = id_of(fd);
  if (id == 0) return s.dup(fd);
  Lock lock;
  int r = s.dup(fd);
  if (r >= 0 && r < kMaxFd) s.ids[r].store(id, std::memory_order_release);
  return r;
}

int dup3(int fd, int to, int flags) {
  Shim& s = shim();
  if (id_of(fd) == 0 && id_of(to) == 0) return s.dup3(fd, to, flags);
  Lock lock;
  int r = s.dup3(fd, to, flags);
  if (r >= 0 && r < kMaxFd) s.ids[r].store(id_of(fd), std::memory_order_release);
  return r;
}

int dup2(int fd, int to) {
  Shim& s = shim();
  if (id_of(fd) == 0 && id_of(to) == 0) return s.dup2(fd, to);
  Lock lock;
  int r = s.dup2(fd, to);
  if (r >= 0 && r < kMaxFd) s.ids[r].store(id_of(fd), std::memory_order_release);
  return r;
}

ssize_t write(int fd, const void* buf, size_t n) {
  return write_at(fd, buf, n, 0, false);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  return write_at(fd, buf, n, off, true);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  if (std::uint32_t id = id_of(fd)) {
    Lock lock;
    unsupported(id, "writev");
  }
  return shim().writev(fd, iov, count);
}

ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t off) {
  if (std::uint32_t id = id_of(fd)) {
    Lock lock;
    unsupported(id, "pwritev");
  }
  return shim().pwritev(fd, iov, count, off);
}

int ftruncate(int fd, off_t size) {
  Shim& s = shim();
  std::uint32_t id = id_of(fd);
  if (id == 0) return s.ftruncate(fd, size);
  Lock lock;
  int r = s.ftruncate(fd, size);
  if (r == 0) record(Op::truncate, id, static_cast<std::uint64_t>(size), nullptr, 0);
  return r;
}

int fsync(int fd) {
  return sync_any(fd, false);
}

int fdatasync(int fd) {
  return sync_any(fd, true);
}

int unlink(const char* path) {
  const char* name = watched_name(path);
  if (name == nullptr) return shim().unlink(path);
  Lock lock;
  return unlink_any(name, shim().unlink(path));
}

int unlinkat(int dirfd, const char* path, int flags) {
  const char* name = (dirfd != AT_FDCWD && path[0] != '/') ? nullptr : watched_name(path);
  if (name == nullptr) return shim().unlinkat(dirfd, path, flags);
  Lock lock;
  return unlink_any(name, shim().unlinkat(dirfd, path, flags));
}

int rename(const char* from, const char* to) {
  if (watched_name(from) != nullptr || watched_name(to) != nullptr) {
    Lock lock;
    unsupported(0, "rename");
  }
  return shim().rename(from, to);
}

void* mmap(void* addr, size_t n, int prot, int flags, int fd, off_t off) {
  if (std::uint32_t id = id_of(fd); id != 0 && (prot & PROT_WRITE) && (flags & MAP_SHARED)) {
    Lock lock;
    unsupported(id, "a writable shared mapping");
  }
  return shim().mmap(addr, n, prot, flags, fd, off);
}

// On x86_64 the *64 names are the same calls as the plain ones (off_t is 64 bits).
int open64(const char* path, int flags, ...) __attribute__((alias("open")));
int __open64_2(const char* path, int flags) __attribute__((alias("__open_2")));
int openat64(int dirfd, const char* path, int flags, ...) __attribute__((alias("openat")));
int creat64(const char* path, mode_t mode) __attribute__((alias("creat")));
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) __attribute__((alias("pwrite")));
int ftruncate64(int fd, off_t size) __attribute__((alias("ftruncate")));
void* mmap64(void* addr, size_t n, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));

}  // extern "C"
