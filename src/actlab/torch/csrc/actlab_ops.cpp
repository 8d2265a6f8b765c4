// Fused float32 CPU kernels and C++ autograd for actlab.torch's fast paths (built by actlab/torch/extension.py).
//
// Why: on a small model's tensors every torch op and every Python autograd.Function costs microseconds of
// dispatch, and an accurate derivative takes several ops (actlab/torch/fast.py); the Python-level floor is
// ~1.35x the native module.  Here f and f' come from one pass over memory and the autograd node is C++:
//   actlab::<name>(Tensor x, float param) -> Tensor      for name in sigmoid, tanh, gelu, silu, hardswish,
//   tanhshrink, hard_sigmoid, softsign
// (param: silu's beta; ignored by the others).  Values are computed in double from the float32 input and
// rounded once (sigmoid and tanh take their exp in float, whose 1-ULP error then passes through double
// arithmetic): within the catalog's 2-ULP bound, which tests/float32_sweep.py checks on every float32.
// sigmoid and tanh use PyTorch's own SLEEF float exp (exported by libtorch_cpu); the double kernels use a
// cheaper double exp of our own (expneg4), and gelu a polynomial erfcx.  Large inputs run on torch's
// intra-op threads (run).
// The forward keeps f'; the backward is g * f'.  A double backward (create_graph) calls
// actlab::derivative(x, name, param), which actlab.torch registers in Python with the catalog's closed-form
// f' and f'' (differentiable), so second derivatives stay the catalog's.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>
#include <torch/library.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

// The AVX2 variants directly (the extension is only loaded on AVX2 CPUs): SLEEF's un-suffixed names dispatch
// at run time and may pick a slower variant.
extern "C" {
__m256 Sleef_expf8_u10avx2(__m256);
__m256 Sleef_expm1f8_u10avx2(__m256);
}
#define Sleef_expf8_u10 Sleef_expf8_u10avx2
#define Sleef_expm1f8_u10 Sleef_expm1f8_u10avx2

namespace {

#define LANES 8


static inline __m256d lo4(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static inline __m256d hi4(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
static inline __m256 join(__m256d a, __m256d b) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(a)), _mm256_cvtpd_ps(b), 1);
}
static inline __m256 absf(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }
static inline __m256d absd(__m256d v) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), v); }

/* ---------------------------------------------------------------------------------------- sigmoid
 * e = exp(-|x|) (float), b = 1/(1+e): sigma(|x|) = b, sigma(-|x|) = e b, sigma'(x) = e b^2 (no 1 - s). */
static inline void sigmoid8(const float *x, float *y, float *d, const double *p) {
    (void)p;
    __m256 v = _mm256_loadu_ps(x);
    __m256 e = Sleef_expf8_u10(_mm256_sub_ps(_mm256_setzero_ps(), absf(v)));
    __m256 neg = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
    __m256d one = _mm256_set1_pd(1.0);
    __m256d e0 = lo4(e), e1 = hi4(e);
    __m256d b0 = _mm256_div_pd(one, _mm256_add_pd(one, e0)), b1 = _mm256_div_pd(one, _mm256_add_pd(one, e1));
    __m256d s0 = _mm256_mul_pd(e0, b0), s1 = _mm256_mul_pd(e1, b1);
    _mm256_storeu_ps(y, _mm256_blendv_ps(join(b0, b1), join(s0, s1), neg));
    if (d) _mm256_storeu_ps(d, join(_mm256_mul_pd(s0, b0), _mm256_mul_pd(s1, b1)));
}

/* ------------------------------------------------------------------------------------------- tanh
 * m = expm1(-2|x|), e = exp(-2|x|) (float): tanh|x| = -m/(2+m) (no cancellation at 0),
 * sech^2 x = 4e/(1+e)^2 (no cancellation in the tails). */
static inline void tanh8(const float *x, float *y, float *d, const double *p) {
    (void)p;
    __m256 v = _mm256_loadu_ps(x);
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(-2.0f), absf(v));
    __m256 m = Sleef_expm1f8_u10(u);
    __m256d two = _mm256_set1_pd(2.0);
    __m256d m0 = lo4(m), m1 = hi4(m);
    __m256d t0 = _mm256_div_pd(m0, _mm256_add_pd(two, m0)), t1 = _mm256_div_pd(m1, _mm256_add_pd(two, m1));
    __m256 t = join(t0, t1);     /* -tanh|x| */
    __m256 sign = _mm256_and_ps(v, _mm256_set1_ps(-0.0f));
    _mm256_storeu_ps(y, _mm256_xor_ps(_mm256_xor_ps(t, _mm256_set1_ps(-0.0f)), sign));
    if (d) {
        __m256 e = Sleef_expf8_u10(u);
        __m256d one = _mm256_set1_pd(1.0), four = _mm256_set1_pd(4.0);
        __m256d e0 = lo4(e), e1 = hi4(e);
        __m256d b0 = _mm256_div_pd(one, _mm256_add_pd(one, e0)), b1 = _mm256_div_pd(one, _mm256_add_pd(one, e1));
        __m256d d0 = _mm256_mul_pd(_mm256_mul_pd(four, e0), _mm256_mul_pd(b0, b0));
        __m256d d1 = _mm256_mul_pd(_mm256_mul_pd(four, e1), _mm256_mul_pd(b1, b1));
        /* NaN in, NaN out: the catalog's convention (e of NaN is NaN already) */
        _mm256_storeu_ps(d, join(d0, d1));
    }
}

/* ------------------------------------------------------------------------------------- exp(-a), a >= 0
 * In double, to ~2^-37 relative (SLEEF's double exp is correctly rounded to 2^-52 and costs ~1.7x): a is
 * clamped to 700 (exp(-700) ~ 1e-304 is 0 for any float32 result), exp(-a) = 2^-n exp(-r) with
 * n = round(a / ln2), r = a - n ln2 (Cody-Waite: ln2 in two parts, |r| <= ln2/2), and exp(-r) by its Taylor
 * polynomial of degree 9 (truncation (ln2/2)^10/10! < 2^-37). */
static inline __m256d expneg4(__m256d a) {
    a = _mm256_min_pd(a, _mm256_set1_pd(700.0));
    __m256d n = _mm256_round_pd(_mm256_mul_pd(a, _mm256_set1_pd(1.4426950408889634074)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93147180369123816490e-01), a);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.90821492927058770002e-10), r);
    __m256d t = _mm256_sub_pd(_mm256_setzero_pd(), r);
    static const double inv_fact[10] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720,
                                        1.0 / 5040, 1.0 / 40320, 1.0 / 362880};
    __m256d p = _mm256_set1_pd(inv_fact[9]);
    for (int k = 8; k >= 0; k--) p = _mm256_fmadd_pd(p, t, _mm256_set1_pd(inv_fact[k]));
    /* 2^-n: the biased exponent 1023 - n (>= 13) shifted into place */
    __m256d biased = _mm256_add_pd(_mm256_sub_pd(_mm256_set1_pd(1023.0), n), _mm256_set1_pd(4503599627370496.0));
    return _mm256_mul_pd(p, _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(biased), 52)));
}

/* ------------------------------------------------------------------------------------- gelu (exact)
 * f = x Phi(x), f' = Phi(x) + x phi(x), in double, x clamped to [-40, 40] (beyond, Phi is 0 or 1 to double
 * precision; the clamp keeps inf * 0 out).  With t = |x|/sqrt2 and the scaled complementary error function
 * erfcx(t) = exp(t^2) erfc(t):  Phi(-|x|) = exp(-x^2/2) erfcx(t) / 2  (x^2/2 exact in double for a float x;
 * exp from expneg4), and Phi(|x|) = 1 - Phi(-|x|) (no cancellation: that is >= 1/2).
 * erfcx (Shepherd & Laframboise, Math. Comp. 36 (1981) 249): (1 + 2t) erfcx(t) is a polynomial in
 * Y = (t - K)/(t + K), K = 3.75, on all of t >= 0 (Y in [-1, 1)); degree 16, interpolated at Chebyshev nodes
 * in 40-digit mpmath, relative error 2^-38.8.  One division gives both 1/(t + K) and 1/(1 + 2t).
 * f' = Phi + x phi cancels next to its root x0 = -0.75179: within |x - x0| < 2^-7 it is its Taylor polynomial
 * about x0 (degree 6, next term 2^-48 relative; an error d in Phi or phi would cost ~d / |x - x0|).
 * Coefficients: tests/test_torch_fast.py recomputes them with mpmath. */
static const double GELU_ERFCX_K = 3.75;
static const double GELU_ERFCX[17] = {
    1.2375126308378275819, -0.14024059858768265609, 0.0035854155219297920721, 0.082276738589894913697,
    -0.10880393189758942028, 0.09230431985849298843, -0.058693373819988938204, 0.028362284552370029059,
    -0.0097467373261010305634, 0.0017556078844614805228, 0.00029425092340958905191,
    -0.00029013884841145634224, 0.000050597038817391041754, 0.000022405786866222662871,
    -0.000010239411941777560901, -1.0356884912594670771e-6, 9.7168325948702860483e-7};
static const double GELU_ROOT_HI = -0.7517915246935645, GELU_ROOT_LO = 1.4956759177009883e-17;
static const double GELU_ROOT_RADIUS = 1.0 / 128;
static const double GELU_ROOT_TAYLOR[6] = {0.43149399231404691979, 0.38828498299055199786,
                                           -0.018199676398671087101, -0.11400823329722170855,
                                           -0.014771522148244337718, 0.019421679838189065889};

static inline void gelu4(__m256d x, double, __m256d *y, __m256d *d, bool grad) {
    const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5), K = _mm256_set1_pd(GELU_ERFCX_K);
    __m256d xc = _mm256_min_pd(_mm256_max_pd(x, _mm256_set1_pd(-40.0)), _mm256_set1_pd(40.0));
    __m256d t = _mm256_mul_pd(absd(xc), _mm256_set1_pd(0.70710678118654752440));
    __m256d tk = _mm256_add_pd(t, K), t2 = _mm256_fmadd_pd(t, _mm256_set1_pd(2.0), one);
    __m256d inv = _mm256_div_pd(one, _mm256_mul_pd(tk, t2));       /* 1 / ((t + K)(1 + 2t)) */
    __m256d Y = _mm256_mul_pd(_mm256_mul_pd(_mm256_sub_pd(t, K), t2), inv);
    __m256d p = _mm256_set1_pd(GELU_ERFCX[16]);
    for (int k = 15; k >= 0; k--) p = _mm256_fmadd_pd(p, Y, _mm256_set1_pd(GELU_ERFCX[k]));
    __m256d e = expneg4(_mm256_mul_pd(half, _mm256_mul_pd(xc, xc)));
    __m256d tail = _mm256_mul_pd(_mm256_mul_pd(half, e), _mm256_mul_pd(p, _mm256_mul_pd(tk, inv)));   /* Phi(-|x|) */
    __m256d neg = _mm256_cmp_pd(xc, _mm256_setzero_pd(), _CMP_LT_OQ);
    __m256d cdf = _mm256_blendv_pd(_mm256_sub_pd(one, tail), tail, neg);
    *y = _mm256_mul_pd(_mm256_max_pd(x, _mm256_set1_pd(-40.0)), cdf);   /* +inf stays inf */
    if (grad) {
        __m256d pdf = _mm256_mul_pd(e, _mm256_set1_pd(0.39894228040143267794));
        __m256d dd = _mm256_fmadd_pd(xc, pdf, cdf);
        /* x - x0: the first difference is exact (Sterbenz) */
        __m256d h = _mm256_sub_pd(_mm256_sub_pd(xc, _mm256_set1_pd(GELU_ROOT_HI)), _mm256_set1_pd(GELU_ROOT_LO));
        __m256d near = _mm256_cmp_pd(absd(h), _mm256_set1_pd(GELU_ROOT_RADIUS), _CMP_LT_OQ);
        if (_mm256_movemask_pd(near)) {
            __m256d r = _mm256_set1_pd(GELU_ROOT_TAYLOR[5]);
            for (int k = 4; k >= 0; k--) r = _mm256_fmadd_pd(r, h, _mm256_set1_pd(GELU_ROOT_TAYLOR[k]));
            dd = _mm256_blendv_pd(dd, _mm256_mul_pd(r, h), near);
        }
        *d = dd;
    }
}

/* ------------------------------------------------------------------------------------- silu / swish
 * u = beta x (exact in double for float x and a float beta), e = exp(-|u|), b = 1/(1+e):
 * s = sigma(u) = b (u >= 0) or e b, s(1-s) = e b^2; f = x s, f' = s + u s(1-s).
 * f' has a root at u0 = -1.2785, where s + u s(1-s) cancels: an error d in e costs ~0.22 d / |u - u0| relative.
 * There |u| - 2 ln2 = -0.108, where expneg4's polynomial is exact to ~2^-54 (its 2^-37 is at |r| = ln2/2): on
 * the float32 nearest the root (|u - u0| ~ 2^-27) that is 0.03 ULP.  Checked next to the root for several
 * beta by tests/test_torch_fast.py, and on every float32 by tests/float32_sweep.py.
 * x = +-inf is clamped to +-1e150 (beyond float32's range) so that inf never meets s = 0. */
static inline void silu4(__m256d x, double beta, __m256d *y, __m256d *d, bool grad) {
    const __m256d one = _mm256_set1_pd(1.0);
    x = _mm256_max_pd(_mm256_min_pd(x, _mm256_set1_pd(1e150)), _mm256_set1_pd(-1e150));
    __m256d u = _mm256_mul_pd(x, _mm256_set1_pd(beta));
    __m256d e = expneg4(absd(u));
    __m256d b = _mm256_div_pd(one, _mm256_add_pd(one, e));
    __m256d neg = _mm256_cmp_pd(u, _mm256_setzero_pd(), _CMP_LT_OQ);
    __m256d s = _mm256_blendv_pd(b, _mm256_mul_pd(e, b), neg);
    *y = _mm256_mul_pd(x, s);
    if (grad) {
        __m256d r = _mm256_mul_pd(e, _mm256_mul_pd(b, b));
        *d = _mm256_add_pd(s, _mm256_mul_pd(u, r));
    }
}

/* --------------------------------------------------------------------------------------- tanhshrink
 * f = x - tanh x (odd), f' = tanh^2 x.  For |x| >= 1/4: t = tanh|x| = (1 - e)/(1 + e), e = exp(-2|x|) from
 * expneg4 (2^-37), and |x| - t loses at most 6 bits to cancellation (2^-30: 0.01 ULP).  Below, the catalog's
 * series x - tanh x = x^3 sum a_k x^2k (its first 9 terms: the next is < 2^-42 relative at 1/4; checked against
 * actlab/core/library/tanhshrink.py by tests/test_torch_fast.py), and t = |x| - that. */
static const double TANHSHRINK_SERIES[9] = {
    3.33333333333333333333333e-1, -1.33333333333333333333333e-1, 5.39682539682539682539683e-2,
    -2.18694885361552028218695e-2, 8.86323552990219656886324e-3, -3.59212803657248101692546e-3,
    1.45583438705131826824949e-3, -5.90027440945585981378076e-4, 2.39129114243552481485731e-4};

static inline void tanhshrink4(__m256d x, double, __m256d *y, __m256d *d, bool) {
    const __m256d one = _mm256_set1_pd(1.0);
    __m256d a = absd(x);
    __m256d e = expneg4(_mm256_add_pd(a, a));
    __m256d t = _mm256_div_pd(_mm256_sub_pd(one, e), _mm256_add_pd(one, e));
    __m256d s = _mm256_sub_pd(a, t);
    __m256d small = _mm256_cmp_pd(a, _mm256_set1_pd(0.25), _CMP_LT_OQ);
    if (_mm256_movemask_pd(small)) {
        __m256d z = _mm256_mul_pd(a, a);
        __m256d p = _mm256_set1_pd(TANHSHRINK_SERIES[8]);
        for (int k = 7; k >= 0; k--) p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(TANHSHRINK_SERIES[k]));
        __m256d series = _mm256_mul_pd(_mm256_mul_pd(a, z), p);
        s = _mm256_blendv_pd(s, series, small);
        t = _mm256_blendv_pd(t, _mm256_sub_pd(a, series), small);
    }
    *y = _mm256_xor_pd(s, _mm256_and_pd(x, _mm256_set1_pd(-0.0)));
    *d = _mm256_mul_pd(t, t);
}

/* ---------------------------------------------------------------------------------------- hardswish
 * f = x min(max(x + 3, 0), 6)/6 in double (x >= -4 clamped: -inf * 0), one rounding;
 * f' = 0 (x <= -3), (2x + 3)/6 inside, 1 (x >= 3): the catalog's conventions at the kinks. */
static inline void hardswish4(__m256d x, double, __m256d *y, __m256d *d, bool) {
    /* times 1/6 in double (relative error 2^-53) rather than a division: the float32 result is the same */
    const __m256d three = _mm256_set1_pd(3.0), six = _mm256_set1_pd(6.0), zero = _mm256_setzero_pd();
    const __m256d sixth = _mm256_set1_pd(1.0 / 6.0);
    __m256d r = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(x, three), zero), six);
    *y = _mm256_mul_pd(_mm256_mul_pd(_mm256_max_pd(x, _mm256_set1_pd(-4.0)), r), sixth);
    __m256d mid = _mm256_mul_pd(_mm256_add_pd(_mm256_add_pd(x, x), three), sixth);
    mid = _mm256_blendv_pd(mid, zero, _mm256_cmp_pd(x, _mm256_set1_pd(-3.0), _CMP_LE_OQ));
    *d = _mm256_blendv_pd(mid, _mm256_set1_pd(1.0), _mm256_cmp_pd(x, three, _CMP_GE_OQ));
}


/* ------------------------------------------------------------------------------------- hard_sigmoid
 * PyTorch's form (slope 1/6, offset 1/2): f = min(max((x + 3)/6, 0), 1) with x + 3 exact in double and one
 * rounding; f' = 1/6 for -3 < x < 3, else 0 (0 at both kinks: the catalog's convention). */
static inline void hard_sigmoid4(__m256d x, double, __m256d *y, __m256d *d, bool) {
    const __m256d three = _mm256_set1_pd(3.0), zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    __m256d u = _mm256_mul_pd(_mm256_add_pd(x, three), _mm256_set1_pd(1.0 / 6.0));
    *y = _mm256_min_pd(_mm256_max_pd(u, zero), one);
    __m256d inside = _mm256_cmp_pd(absd(x), three, _CMP_LT_OQ);
    *d = _mm256_and_pd(inside, _mm256_set1_pd(1.0 / 6.0));
}

/* ----------------------------------------------------------------------------------------- softsign
 * f = x/(1 + |x|), f' = 1/(1 + |x|)^2 in double (x clamped to +-1e300: +-inf gives +-1 and f' = 0), one
 * rounding each. */
static inline void softsign4(__m256d x, double, __m256d *y, __m256d *d, bool) {
    x = _mm256_max_pd(_mm256_min_pd(x, _mm256_set1_pd(1e300)), _mm256_set1_pd(-1e300));
    __m256d r = _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_add_pd(_mm256_set1_pd(1.0), absd(x)));
    *y = _mm256_mul_pd(x, r);
    *d = _mm256_mul_pd(r, r);
}

// The double kernels (x, param, &f, &f', grad) on 8 floats: two halves of 4 in double, rounded once; their
// clamps turn a NaN into a bound, so NaN is put back here.
using Kernel4 = void (*)(__m256d, double, __m256d*, __m256d*, bool);

template <Kernel4 K>
static inline void halves8(const float *x, float *y, float *d, const double *p) {
    __m256 v = _mm256_loadu_ps(x);
    __m256d y0, y1, d0, d1;
    K(lo4(v), p[0], &y0, &d0, d != nullptr);
    K(hi4(v), p[0], &y1, &d1, d != nullptr);
    __m256 nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
    _mm256_storeu_ps(y, _mm256_or_ps(join(y0, y1), nan));
    if (d) _mm256_storeu_ps(d, _mm256_or_ps(join(d0, d1), nan));
}

static inline void gelu8(const float *x, float *y, float *d, const double *p) { halves8<gelu4>(x, y, d, p); }
static inline void silu8(const float *x, float *y, float *d, const double *p) { halves8<silu4>(x, y, d, p); }
static inline void tanhshrink8(const float *x, float *y, float *d, const double *p) {
    halves8<tanhshrink4>(x, y, d, p);
}
static inline void hardswish8(const float *x, float *y, float *d, const double *p) {
    halves8<hardswish4>(x, y, d, p);
}
static inline void hard_sigmoid8(const float *x, float *y, float *d, const double *p) {
    halves8<hard_sigmoid4>(x, y, d, p);
}
static inline void softsign8(const float *x, float *y, float *d, const double *p) { halves8<softsign4>(x, y, d, p); }

using Kernel8 = void (*)(const float*, float*, float*, const double*);

// The compiled activations, once: every list below (kernels, autograd, schemas, registrations) expands it.
// actlab/torch/fast.py marks the same names ``compiled=True``.
#define ACTLAB_OPS(X) X(sigmoid) X(tanh) X(gelu) X(silu) X(hardswish) X(tanhshrink) X(hard_sigmoid) X(softsign)

// Full vectors in place, spread over torch's intra-op threads by at::parallel_for (serial below torch's own
// grain, like its elementwise ops; serial too where actlab/torch/extension.py built this file without OpenMP,
// and then actlab.torch sends large inputs to the torch-op fast path); the last n % 8 elements through a
// zero-padded buffer.
template <Kernel8 K>
void run(const float* x, float* y, float* d, double param, int64_t n) {
  const double p[1] = {param};
  const int64_t full = n / LANES;
  // the kernel is a template argument so that it inlines; one loop per case so that d's test is hoisted
  at::parallel_for(0, full, at::internal::GRAIN_SIZE / LANES, [&](int64_t begin, int64_t end) {
    if (d) {
      for (int64_t v = begin; v < end; v++) K(x + v * LANES, y + v * LANES, d + v * LANES, p);
    } else {
      for (int64_t v = begin; v < end; v++) K(x + v * LANES, y + v * LANES, nullptr, p);
    }
  });
  const int64_t i = full * LANES;
  if (i < n) {
    float bx[LANES] = {0}, by[LANES], bd[LANES];
    size_t rest = static_cast<size_t>(n - i) * sizeof(float);
    std::memcpy(bx, x + i, rest);
    K(bx, by, d ? bd : nullptr, p);
    std::memcpy(y + i, by, rest);
    if (d) std::memcpy(d + i, bd, rest);
  }
}

// 1 where this file was built with OpenMP (torch's runtime): extension.py then lets inputs of any size in
bool parallel() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

template <Kernel8 K>
std::tuple<at::Tensor, at::Tensor> evaluate(const char* name, const at::Tensor& input,
                                            double param, bool grad) {
  TORCH_CHECK(input.scalar_type() == at::kFloat && input.device().is_cpu(),
              "actlab::", name, ": float32 CPU tensors only");
  at::Tensor x = input.contiguous();
  at::Tensor y = at::empty_like(x);
  at::Tensor d = grad ? at::empty_like(x) : at::Tensor();
  run<K>(x.const_data_ptr<float>(), y.mutable_data_ptr<float>(),
      grad ? d.mutable_data_ptr<float>() : nullptr, param, x.numel());
  return {y, d};
}

// The autograd node, written like PyTorch's generated ones (a Node subclass, not torch::autograd::Function,
// whose CppNode costs a few microseconds more per call): it keeps x (for a double backward) and f'.
struct FusedBackward : public torch::autograd::Node {
  torch::autograd::SavedVariable x, d;
  const char* op = nullptr;
  double param = 0.0;

  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    const at::Tensor& g = grads[0];
    if (!g.defined() || !should_compute_output(0)) return {at::Tensor()};
    if (at::GradMode::is_enabled()) {  // create_graph: the catalog's differentiable closed forms
      static auto derivative = c10::Dispatcher::singleton()
                                   .findSchemaOrThrow("actlab::derivative", "")
                                   .typed<at::Tensor(const at::Tensor&, c10::string_view, double)>();
      return {g * derivative.call(x.unpack(), op, param)};
    }
    return {g * d.unpack()};
  }

  std::string name() const override { return std::string("actlab::") + op + "Backward"; }

  void release_variables() override {
    x.reset_data();
    d.reset_data();
  }
};

template <Kernel8 K>
at::Tensor fused(const char* name, const at::Tensor& x, double param) {
  at::Tensor y, d;
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    std::tie(y, d) = evaluate<K>(name, x, param, true);
  }
  auto node = c10::make_intrusive<FusedBackward>();
  node->set_next_edges(torch::autograd::collect_next_edges(x));
  node->x = torch::autograd::SavedVariable(x, false);
  node->d = torch::autograd::SavedVariable(d, false);
  node->op = name;
  node->param = param;
  torch::autograd::set_history(y, node);
  return y;
}

#define ACTLAB_DEFINE(name)                                                                            \
  at::Tensor name##_cpu(const at::Tensor& x, double param) {                                          \
    return std::get<0>(evaluate<name##8>(#name, x, param, false));                                    \
  }                                                                                                   \
  at::Tensor name##_autograd(const at::Tensor& x, double param) {                                     \
    if (!at::GradMode::is_enabled() || !x.requires_grad()) {                                          \
      at::AutoDispatchBelowADInplaceOrView guard;                                                     \
      return std::get<0>(evaluate<name##8>(#name, x, param, false));                                  \
    }                                                                                                 \
    return fused<name##8>(#name, x, param);                                                          \
  }                                                                                                   \
  at::Tensor name##_meta(const at::Tensor& x, double param) { return at::empty_like(x); }
ACTLAB_OPS(ACTLAB_DEFINE)

// ---------------------------------------------------------------------------------- softmax & co. (rows)
// Over the rows of a float32 tensor (the activation's dim moved last), in double, one row per task of
// at::parallel_for, with a C++ autograd node that keeps the float64 probabilities for the backward:
//   actlab::softmax(x, dim, sign) -> y        softmax(sign x); sign -1: softmin
//   actlab::log_softmax(x, dim) -> y
// With m the row's largest entry (at k) and e_j = exp(x_j - m) from expneg4 (x_j - m exact in double; e_k = 1),
// T = sum_{j != k} e_j is summed without e_k, so p_k = 1/(1 + T) and log p_k = -log1p(T) keep their relative
// accuracy however dominant k is; log p_j = (x_j - m) - log1p(T).  The vector-Jacobian products of a
// confident row (p_k > 1 - 2^-20) write 1 - p_k as sum_{j != k} p_j.  A row holding NaN or +inf, or only
// -inf, has conventions the generic path owns: the ops then return empty tensors and actlab.torch declines.
static inline int64_t row_grain(int64_t n) {
  return std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(n, 1));
}

static inline double hsum(__m256d v) {
  double lanes[4];
  _mm256_storeu_pd(lanes, v);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

// e_j = exp(-(m - s x_j)) into e[0..n); returns T = the sum of the e_j but one of those equal to 1 (the max's,
// a = 0): the others are summed apart from the ones, which come back as a count, so that a tiny T keeps its
// relative accuracy (summing 1 + T and subtracting 1 would not).  An e_j that rounds to 1 from a tiny a > 0
// counts as the 1 it is.
static inline double exp_row(const float* x, double s, double m, int64_t n, double* e) {
  const __m256d vm = _mm256_set1_pd(m), vs = _mm256_set1_pd(s), one = _mm256_set1_pd(1.0);
  __m256d rest = _mm256_setzero_pd(), ones = _mm256_setzero_pd();
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {      /* m - s x >= 0, exact in double */
    __m256d ev = expneg4(_mm256_fnmadd_pd(vs, _mm256_cvtps_pd(_mm_loadu_ps(x + j)), vm));
    _mm256_storeu_pd(e + j, ev);
    __m256d is_one = _mm256_cmp_pd(ev, one, _CMP_EQ_OQ);
    rest = _mm256_add_pd(rest, _mm256_andnot_pd(is_one, ev));
    ones = _mm256_add_pd(ones, _mm256_and_pd(is_one, one));
  }
  double tail_rest = 0.0, tail_ones = 0.0;
  if (j < n) {
    float bx[4] = {0, 0, 0, 0};
    double be[4];
    std::memcpy(bx, x + j, static_cast<size_t>(n - j) * sizeof(float));
    _mm256_storeu_pd(be, expneg4(_mm256_fnmadd_pd(vs, _mm256_cvtps_pd(_mm_loadu_ps(bx)), vm)));
    for (int64_t i = j; i < n; i++) {
      e[i] = be[i - j];
      if (e[i] == 1.0) tail_ones += 1.0;
      else tail_rest += e[i];
    }
  }
  return (hsum(rest) + tail_rest) + (hsum(ones) + tail_ones - 1.0);
}

// the row's max of s x; false for a row with NaN or +inf, or only -inf
static inline bool row_max(const float* x, float s, int64_t n, float* m) {
  const __m256 vs = _mm256_set1_ps(s);
  __m256 best = _mm256_set1_ps(-std::numeric_limits<float>::infinity()), nan = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256 v = _mm256_mul_ps(vs, _mm256_loadu_ps(x + j));
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    best = _mm256_max_ps(best, v);
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, best);
  float top = lanes[0];
  for (int i = 1; i < 8; i++) top = std::max(top, lanes[i]);
  bool bad = _mm256_movemask_ps(nan) != 0;
  for (; j < n; j++) {
    float v = s * x[j];
    bad |= v != v;
    top = std::max(top, v);
  }
  *m = top;
  return !bad && std::isfinite(top);
}

std::tuple<at::Tensor, at::Tensor> rows_forward(const at::Tensor& input, double sign, bool log) {
  TORCH_CHECK(input.scalar_type() == at::kFloat && input.device().is_cpu() && input.dim() >= 1,
              "actlab::softmax: float32 CPU tensors of at least 1 dimension only");
  at::Tensor x = input.contiguous();
  const int64_t n = x.size(-1), rows = n ? x.numel() / n : 0;
  at::Tensor y = at::empty_like(x), p = at::empty(x.sizes(), x.options().dtype(at::kDouble));
  const float* xp = x.const_data_ptr<float>();
  float* yp = y.mutable_data_ptr<float>();
  double* pp = p.mutable_data_ptr<double>();
  std::atomic<bool> declined{false};
  const float s = static_cast<float>(sign);
  at::parallel_for(0, rows, row_grain(n), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      const float* xr = xp + r * n;
      float* yr = yp + r * n;
      double* pr = pp + r * n;
      float m;
      if (!row_max(xr, s, n, &m)) { declined = true; return; }
      double T = exp_row(xr, s, m, n, pr);
      double inv = 1.0 / (1.0 + T);
      const __m256d vinv = _mm256_set1_pd(inv);
      int64_t j = 0;
      if (log) {      /* log p_j = (s x_j - m) - log1p(T) */
        const double L = std::log1p(T);
        const __m256d vs = _mm256_set1_pd(s), shift = _mm256_set1_pd(-static_cast<double>(m));
        const __m256d vL = _mm256_set1_pd(L);
        for (; j + 4 <= n; j += 4) {
          __m256d v = _mm256_fmadd_pd(vs, _mm256_cvtps_pd(_mm_loadu_ps(xr + j)), shift);   /* exact */
          _mm_storeu_ps(yr + j, _mm256_cvtpd_ps(_mm256_sub_pd(v, vL)));
          _mm256_storeu_pd(pr + j, _mm256_mul_pd(_mm256_loadu_pd(pr + j), vinv));
        }
        for (; j < n; j++) {
          yr[j] = static_cast<float>((static_cast<double>(s) * xr[j] - m) - L);
          pr[j] *= inv;
        }
      } else {
        for (; j + 4 <= n; j += 4) {
          __m256d v = _mm256_mul_pd(_mm256_loadu_pd(pr + j), vinv);
          _mm256_storeu_pd(pr + j, v);
          _mm_storeu_ps(yr + j, _mm256_cvtpd_ps(v));
        }
        for (; j < n; j++) { pr[j] *= inv; yr[j] = static_cast<float>(pr[j]); }
      }
    }
  });
  if (declined) return {at::empty({0}, x.options()), at::empty({0}, p.options())};
  return {y, p};
}

// Beyond this largest probability, 1 - p_k and g_k - sum g p cancel by more than float32 can absorb from double
// (actlab.torch.fast's _CONFIDENT; a test keeps the two equal)
static const double ROWS_CONFIDENT = 1.0 - 1.0 / (1 << 20);

at::Tensor rows_vjp(const at::Tensor& probabilities, const at::Tensor& grad, double sign, bool log) {
  TORCH_CHECK(probabilities.scalar_type() == at::kDouble && grad.scalar_type() == at::kFloat &&
              probabilities.sizes() == grad.sizes() && probabilities.is_contiguous(),
              "actlab::softmax backward: float64 probabilities and a float32 gradient of the same shape");
  at::Tensor g = grad.contiguous();
  const int64_t n = g.size(-1), rows = n ? g.numel() / n : 0;
  at::Tensor out = at::empty_like(g);
  const double* pp = probabilities.const_data_ptr<double>();
  const float* gp = g.const_data_ptr<float>();
  float* op = out.mutable_data_ptr<float>();
  at::parallel_for(0, rows, row_grain(n), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      const double* pr = pp + r * n;
      const float* gr = gp + r * n;
      float* outr = op + r * n;
      /* one pass: sum g p, sum g and the largest p */
      __m256d vdot = _mm256_setzero_pd(), vtotal = _mm256_setzero_pd(), vmax = _mm256_set1_pd(-1.0);
      int64_t j = 0;
      for (; j + 4 <= n; j += 4) {
        __m256d pv = _mm256_loadu_pd(pr + j), gv = _mm256_cvtps_pd(_mm_loadu_ps(gr + j));
        vdot = _mm256_fmadd_pd(gv, pv, vdot);
        vtotal = _mm256_add_pd(vtotal, gv);
        vmax = _mm256_max_pd(vmax, pv);
      }
      double dot = hsum(vdot), total = hsum(vtotal), top = -1.0, lanes[4];
      _mm256_storeu_pd(lanes, vmax);
      for (double v : lanes) top = std::max(top, v);
      for (int64_t i = j; i < n; i++) {
        dot += gr[i] * pr[i];
        total += gr[i];
        top = std::max(top, pr[i]);
      }
      if (log) {      /* g - p sum g */
        const __m256d vt = _mm256_set1_pd(total);
        for (j = 0; j + 4 <= n; j += 4)
          _mm_storeu_ps(outr + j, _mm256_cvtpd_ps(_mm256_fnmadd_pd(_mm256_loadu_pd(pr + j), vt,
                                                                 _mm256_cvtps_pd(_mm_loadu_ps(gr + j)))));
        for (; j < n; j++) outr[j] = static_cast<float>(gr[j] - pr[j] * total);
      } else {        /* p (g - sum g p) */
        const __m256d vdot2 = _mm256_set1_pd(dot), vsign = _mm256_set1_pd(sign);
        for (j = 0; j + 4 <= n; j += 4) {
          __m256d diff = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(gr + j)), vdot2);
          __m256d v = _mm256_mul_pd(vsign, _mm256_mul_pd(_mm256_loadu_pd(pr + j), diff));
          _mm_storeu_ps(outr + j, _mm256_cvtpd_ps(v));
        }
        for (; j < n; j++) outr[j] = static_cast<float>(sign * pr[j] * (gr[j] - dot));
      }
      /* a confident row: at its dominant entry k, 1 - p_k cancels; write it as the sum of the others */
      if (top > ROWS_CONFIDENT) {
        int64_t k = 0;
        while (pr[k] != top) k++;
        double others_p = 0.0, others_g = 0.0, others_gp = 0.0;
        for (int64_t i = 0; i < n; i++) {
          if (i == k) continue;
          others_p += pr[i];
          others_g += gr[i];
          others_gp += gr[i] * pr[i];
        }
        const double gk = gr[k];
        outr[k] = static_cast<float>(log ? others_p * (gk + others_g) - others_g
                                         : sign * pr[k] * (gk * others_p - others_gp));
      }
    }
  });
  return out;
}

// The activation's dim moved last (a copy back where it is not last)
at::Tensor dim_last(const at::Tensor& t, int64_t dim) { return t.movedim(dim, -1); }
at::Tensor dim_back(const at::Tensor& t, int64_t dim) {
  return dim == t.dim() - 1 ? t : t.movedim(-1, dim).contiguous();
}

// Backward of the row ops: the vector-Jacobian product from the saved float64 probabilities.  Once
// differentiable, like the torch-op path (_FusedVector): a double backward is refused, not silently zero.
struct RowsBackward : public torch::autograd::Node {
  torch::autograd::SavedVariable p;
  int64_t dim = -1;
  double sign = 1.0;
  bool log = false;

  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    TORCH_CHECK(!at::GradMode::is_enabled(), "actlab::", log ? "log_softmax" : "softmax",
                ": the compiled kernels are once differentiable; for a double backward set "
                "actlab.torch.functional.USE_EXTENSION = False and use float64 (the generic path)");
    const at::Tensor& g = grads[0];
    if (!g.defined() || !should_compute_output(0)) return {at::Tensor()};
    return {dim_back(rows_vjp(p.unpack(), dim_last(g, dim), sign, log), dim)};
  }
  std::string name() const override { return log ? "actlab::log_softmaxBackward" : "actlab::softmaxBackward"; }
  void release_variables() override { p.reset_data(); }
};

// softmax(sign x) (sign -1: softmin) or log_softmax along dim; an empty tensor where a row is declined
at::Tensor rows_op(const at::Tensor& x, int64_t dim, double sign, bool log, bool track) {
  dim = c10::maybe_wrap_dim(dim, x.dim());
  at::Tensor y, p;
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    std::tie(y, p) = rows_forward(dim_last(x, dim), sign, log);
  }
  if (y.numel() == 0) return y;
  y = dim_back(y, dim);
  if (track && at::GradMode::is_enabled() && x.requires_grad()) {
    auto node = c10::make_intrusive<RowsBackward>();
    node->set_next_edges(torch::autograd::collect_next_edges(x));
    node->p = torch::autograd::SavedVariable(p, false);
    node->dim = dim;
    node->sign = sign;
    node->log = log;
    torch::autograd::set_history(y, node);
  }
  return y;
}

// Autograd: builds the node; CPU (reached without autograd, e.g. in inference mode): never does
at::Tensor softmax_autograd(const at::Tensor& x, int64_t dim, double sign) {
  return rows_op(x, dim, sign, false, true);
}
at::Tensor log_softmax_autograd(const at::Tensor& x, int64_t dim) { return rows_op(x, dim, 1.0, true, true); }
at::Tensor softmax_cpu(const at::Tensor& x, int64_t dim, double sign) { return rows_op(x, dim, sign, false, false); }
at::Tensor log_softmax_cpu(const at::Tensor& x, int64_t dim) { return rows_op(x, dim, 1.0, true, false); }

}  // namespace

#define ACTLAB_SCHEMA(name) m.def(#name "(Tensor x, float param=0.) -> Tensor");
TORCH_LIBRARY(actlab, m) {
  ACTLAB_OPS(ACTLAB_SCHEMA)
  m.def("derivative(Tensor x, str name, float param) -> Tensor");   // implemented in Python
  m.def("parallel() -> bool", parallel);
  m.def("softmax(Tensor x, int dim, float sign) -> Tensor");
  m.def("log_softmax(Tensor x, int dim) -> Tensor");
}

#define ACTLAB_CPU(name) m.impl(#name, name##_cpu);
#define ACTLAB_AUTOGRAD(name) m.impl(#name, name##_autograd);
#define ACTLAB_META(name) m.impl(#name, name##_meta);
TORCH_LIBRARY_IMPL(actlab, CPU, m) {
  ACTLAB_OPS(ACTLAB_CPU)
  m.impl("softmax", softmax_cpu);
  m.impl("log_softmax", log_softmax_cpu);
}
TORCH_LIBRARY_IMPL(actlab, Autograd, m) {
  ACTLAB_OPS(ACTLAB_AUTOGRAD)
  m.impl("softmax", softmax_autograd);
  m.impl("log_softmax", log_softmax_autograd);
}
TORCH_LIBRARY_IMPL(actlab, Meta, m) { ACTLAB_OPS(ACTLAB_META) }
