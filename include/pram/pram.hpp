/* pram — the C++17 interface: cells whose object is their storage, an RAII
 * edit, and a record buffer with range-for.  Thin and zero-overhead: every
 * call compiles to what the C typed calls compile to (docs/cpp.md).  No
 * exceptions, RTTI, heap or C++ runtime: <cstddef>, <cstdint>, <type_traits>.
 *
 *   struct BootInfo { uint32_t boots; uint32_t last_pc; };
 *   PRAM_NOINIT pram::Cell<BootInfo, 1, PRAM_AB> boot;   // schema 1, A/B
 *
 *   BootInfo bi = boot.get().value_or(BootInfo{});
 *   bi.boots++;
 *   boot.set(bi);
 *   if (auto m = boot.mutator()) m->last_pc = pc;          // commits at scope end
 *
 *   PRAM_BUF_DEFINE_RING(log, 4096, 1);
 *   pram::Buffer b{log};
 *   b.open(); b.append("boot", 4);
 *   for (const pram_record_t& r : b.records()) print(r.data, r.len);
 */
#ifndef PRAM_HPP
#define PRAM_HPP

#if !((defined(__cplusplus) && __cplusplus >= 201703L) || (defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#  error "pram/pram.hpp needs C++17; the C headers (pram/pram.h) work from C++11"
#else

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "pram.h"

namespace pram {

/* The outcome of Cell::get(): the value, or why there is none. */
template <typename T>
class Result {
public:
    bool ok() const noexcept { return error_ == PRAM_OK; }
    explicit operator bool() const noexcept { return ok(); }
    /* PRAM_OK, or PRAM_ERR_INVALID / PRAM_ERR_LAYOUT (pram_cell_status). */
    int error() const noexcept { return error_; }
    /* The value; meaningful only if ok(). */
    const T& value() const noexcept { return value_; }
    const T& operator*() const noexcept { return value_; }
    const T* operator->() const noexcept { return &value_; }
    T value_or(const T& fallback) const noexcept { return ok() ? value_ : fallback; }

private:
    template <typename, uint16_t, unsigned> friend class Cell;
    Result() noexcept {} /* value_ stays unwritten until a read fills it */
    union {
        T value_;
    };
    int error_;
};

/* An open edit of a cell's value in place (pram_cell_edit_begin): the
 * destructor commits it if still open.  Holds the descriptor the edit points
 * at, hence neither copyable nor movable (auto m = cell.mutator() works:
 * guaranteed elision).  While open, a single-slot cell reads invalid and an
 * A/B cell its previous value; abort() keeps that previous value (A/B) or
 * leaves the cell invalid (single-slot). */
template <typename T>
class Mutator {
public:
    /* Any cell of T by descriptor (a cell of the C macros, a cell in a
     * region): checked as pram_cell_edit_begin checks it, and its size must
     * be sizeof(T) (else result() is PRAM_ERR_SIZE). */
    explicit Mutator(const pram_cell_t& cell, unsigned flags = PRAM_EDIT_KEEP) noexcept : desc_(cell)
    {
        if (desc_.size == sizeof(T)) {
            (void)pram_cell_edit_begin(&desc_, &edit_, flags);
        } else {
            edit_.cell = &desc_;
            edit_.value = nullptr;
            edit_.result = PRAM_ERR_SIZE;
            edit_.state = PRAM__EDIT_DONE;
        }
    }
    Mutator(const Mutator&) = delete;
    Mutator& operator=(const Mutator&) = delete;
    ~Mutator() noexcept
    {
        if (edit_.state == PRAM__EDIT_OPEN)
            (void)pram__edit_commit_on(&desc_, &edit_);
    }

    /* Open: the value may be edited. */
    explicit operator bool() const noexcept { return edit_.state == PRAM__EDIT_OPEN; }
    T* get() const noexcept { return static_cast<T*>(edit_.value); }
    T* operator->() const noexcept { return get(); }
    T& operator*() const noexcept { return *get(); }
    /* Commit now (PRAM_OK), or PRAM_ERR_SCOPE if not open. */
    int commit() noexcept { return pram__edit_commit_on(&desc_, &edit_); }
    /* Close without committing (PRAM_OK), or PRAM_ERR_SCOPE if not open. */
    int abort() noexcept { return pram_cell_edit_abort(&edit_); }
    /* PRAM_OK (open or committed), PRAM_EDIT_ABORTED, or why begin failed
     * (PRAM_ERR_INVALID: KEEP on a cell with no valid value). */
    int result() const noexcept { return edit_.result; }

private:
    template <typename, uint16_t, unsigned> friend class Cell;
    /* From a Cell: its descriptor is proven at compile time, and built in
     * place. */
    template <typename C>
    Mutator(const C& cell, unsigned flags) noexcept : desc_(cell.descriptor())
    {
        (void)pram__cell_edit_begin(&desc_, &edit_, flags);
    }
    pram_cell_t desc_;
    pram_edit_t edit_;
};

/* A typed cell whose object is its storage: the same bytes as a C cell of
 * the same type, schema and mode (PRAM_CELL_DECLARE).  Place it yourself,
 *   PRAM_NOINIT pram::Cell<T, schema, mode> name;
 * Its default constructor is trivial and it is trivially destructible, so no
 * static initializer touches it.  Not reentrant: one writer at a time. */
template <typename T, uint16_t Schema = 0, unsigned Mode = PRAM_DEFAULT_MODE>
class Cell {
    static_assert(std::is_trivially_copyable<T>::value, "pram_Cell_type_must_be_trivially_copyable");
    static_assert(sizeof(T) <= PRAM_CELL_MAX_SIZE, "pram_Cell_type_exceeds_PRAM_CELL_MAX_SIZE");
    static_assert(alignof(T) <= 8, "pram_Cell_type_alignment_over_8_is_not_supported");
    static_assert(Mode == PRAM_SINGLE || (Mode == PRAM_AB && PRAM_ENABLE_AB),
                  "pram_Cell_mode_must_be_PRAM_SINGLE_or_PRAM_AB_with_PRAM_ENABLE_AB");
    struct Slot { /* the C slot: header, then the value at its alignment */
        pram_header_t header;
        T value;
    };

public:
    using value_type = T;
    static constexpr uint16_t schema = Schema;
    static constexpr unsigned mode = Mode;
    static constexpr uint32_t value_offset = alignof(Slot) > 4u ? 16u : 12u;
    static constexpr uint32_t slot_size = sizeof(Slot);
    static constexpr uint32_t storage_size = slot_size * PRAM_SLOTS(Mode);
    static constexpr uint32_t layout = PRAM__LAYOUT(sizeof(T), value_offset, PRAM__KIND_CELL, Schema);
    static constexpr uint32_t shape = PRAM__SHAPE(slot_size, Mode);

    Cell() = default;
    Cell(const Cell&) = delete;
    Cell& operator=(const Cell&) = delete;

    /* PRAM_OK, PRAM_ERR_INVALID or PRAM_ERR_LAYOUT (pram_cell_status). */
    int status() const noexcept
    {
        int rc = pram__ram_find(pos(), layout, shape);
        return Mode == PRAM_AB && rc > 0 ? PRAM_OK : rc;
    }
    bool is_valid() const noexcept { return status() == PRAM_OK; }

    /* Copy the committed value to out (untouched on error). */
    int get(T& out) const noexcept
    {
        int rc = pram__ram_find(pos(), layout, shape);
        if (rc < 0)
            return rc;
        pram__read(nullptr, pos() + (Mode == PRAM_AB ? uint32_t(rc) : 0u) * slot_size + value_offset,
                   static_cast<void*>(&out), uint32_t(sizeof(T)));
        return PRAM_OK;
    }
    Result<T> get() const noexcept
    {
        Result<T> r;
        r.error_ = get(r.value_);
        return r;
    }

    /* Commit a new value: a reset part-way leaves the old value, the new one
     * or (single-slot only) invalid, never a mix. */
    int set(const T& value) noexcept
    {
        uint32_t ticket = 0u;
        uint32_t cs = PRAM_CRITICAL_ENTER();
        if constexpr (Mode == PRAM_AB)
            ticket = pram__ram_open(pos(), layout, shape);
        else
            pram__store32(nullptr, pos(), 0u);
        pram__write(nullptr, pos() + (ticket >> 16) * slot_size + value_offset,
                    static_cast<const void*>(&value), uint32_t(sizeof(T)));
        pram__ram_seal(pos(), layout, shape, ticket);
        PRAM_CRITICAL_EXIT(cs);
        return PRAM_OK;
    }

    /* Make the cell read PRAM_ERR_INVALID. */
    int invalidate() noexcept
    {
        uint32_t cs = PRAM_CRITICAL_ENTER();
        if constexpr (Mode == PRAM_AB) {
            pram__ram_invalidate(pos(), shape);
        } else {
            pram__store32(nullptr, pos(), 0u);
            pram__committed(nullptr, pos(), slot_size);
        }
        PRAM_CRITICAL_EXIT(cs);
        return PRAM_OK;
    }

    /* Edit in place: KEEP starts from the committed value (which must be
     * valid), ZERO from zero bytes. */
    Mutator<T> mutator(unsigned flags = PRAM_EDIT_KEEP) noexcept
    {
        return Mutator<T>(*this, flags);
    }
    Mutator<T> mutator_zeroed() noexcept { return mutator(PRAM_EDIT_ZERO); }

    /* A descriptor of this storage, for the generic API (pram_cell_*) and
     * the region manager. */
    pram_cell_t descriptor() const noexcept
    {
        pram_cell_t d;
        d.addr = const_cast<void*>(static_cast<const void*>(storage_));
        d.region = nullptr;
        d.offset = 0u;
        d.size = uint16_t(sizeof(T));
        d.schema = Schema;
        d.value_offset = uint16_t(value_offset);
        d.slot_size = uint16_t(slot_size);
        d.mode = uint8_t(Mode);
        d.kind = uint8_t(PRAM__KIND_CELL);
        return d;
    }

private:
    uintptr_t pos() const noexcept
    {
        static_assert(sizeof(Cell) == storage_size && alignof(Cell) == alignof(Slot), "pram_Cell_layout");
        return reinterpret_cast<uintptr_t>(storage_);
    }
    alignas(Slot) unsigned char storage_[storage_size];
};

/* A record buffer (PRAM_BUF_DEFINE / _RING, or your own pram_buf_t): the
 * pram_buf_* calls as members, and its records oldest first by range-for,
 *   for (const pram_record_t& r : b.records()) use(r.data, r.len);
 * which stops at the end or at an error (records().error() after the loop,
 * when the range is kept in a variable). */
class Buffer {
public:
    explicit Buffer(pram_buf_t& buf) noexcept : buf_(&buf) {}

    int open() noexcept { return pram_buf_open(buf_); }
    bool is_open() const noexcept { return pram_buf_is_open(buf_) != 0; }
    int takeover() noexcept { return pram_buf_takeover(buf_); }

    int append(const void* data, std::size_t len) noexcept { return pram_buf_append(buf_, data, len); }
    /* The bytes of v as one record (an array whole: a string literal with
     * its NUL). */
    template <typename U>
    int append(const U& v) noexcept { return append(bytes(v), sizeof(U)); }

    /* A record in pieces, visible once committed. */
    int begin_record() noexcept { return pram_buf_begin(buf_); }
    int write(const void* data, std::size_t len) noexcept { return pram_buf_write(buf_, data, len); }
    template <typename U>
    int write(const U& v) noexcept { return write(bytes(v), sizeof(U)); }
    int commit() noexcept { return pram_buf_commit(buf_); }
    int cancel() noexcept { return pram_buf_cancel(buf_); }

    int clear() noexcept { return pram_buf_clear(buf_); }
    int count() const noexcept { return pram_buf_count(buf_); }
    int space() const noexcept { return pram_buf_space(buf_); }
    int read(const pram_record_t& rec, void* dst, std::size_t cap) const noexcept
    {
        return pram_buf_read(buf_, &rec, dst, cap);
    }
    pram_buf_t& handle() const noexcept { return *buf_; }

    class Records {
    public:
        struct End {};
        class Iterator {
        public:
            const pram_record_t& operator*() const noexcept { return r_->rec_; }
            const pram_record_t* operator->() const noexcept { return &r_->rec_; }
            Iterator& operator++() noexcept { r_->step(); return *this; }
            bool operator!=(End) const noexcept { return r_->rc_ > 0; }
            bool operator==(End) const noexcept { return r_->rc_ <= 0; }

        private:
            friend class Records;
            explicit Iterator(Records* r) noexcept : r_(r) {}
            Records* r_;
        };
        Iterator begin() noexcept
        {
            it_.pos = it_.seq = it_.check = 0u; /* PRAM_BUF_ITER_INIT */
            step();
            return Iterator(this);
        }
        End end() const noexcept { return End{}; }
        /* 0 once the walk reached the end, or the error that stopped it. */
        int error() const noexcept { return rc_ < 0 ? rc_ : 0; }

    private:
        friend class Buffer;
        explicit Records(const pram_buf_t* buf) noexcept : buf_(buf) {}
        void step() noexcept { rc_ = pram_buf_next(buf_, &it_, &rec_); }
        const pram_buf_t* buf_;
        pram_buf_iter_t it_;
        pram_record_t rec_;
        int rc_ = 0;
    };
    /* Oldest to newest, each record re-validated (pram_buf_next). */
    Records records() const noexcept { return Records(buf_); }

private:
    template <typename U>
    static const void* bytes(const U& v) noexcept
    {
        static_assert(std::is_trivially_copyable<U>::value && !std::is_pointer<U>::value,
                      "pram_Buffer_takes_the_bytes_of_a_trivially_copyable_object_not_a_pointer");
        return &v;
    }
    pram_buf_t* buf_;
};

} /* namespace pram */

#endif /* C++17 */
#endif /* PRAM_HPP */
