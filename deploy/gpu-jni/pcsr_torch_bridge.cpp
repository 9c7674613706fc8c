// A partial JNI library for DJL 0.36's PyTorch engine, built against whatever libtorch a host
// already has (for example the one inside a Python torch install on a GPU node).
//
// Why it exists: DJL's own JNI (libdjl_torch.so) is compiled for libtorch 2.7.1 exactly. On a
// node whose only libtorch is newer, it loads but fails on the first tensor (C++ ABI drift), and
// no DJL build for newer releases is published. This file implements, against the host's
// headers, only the natives that PCSR's inference path and its tests call; any other native
// still fails loudly with UnsatisfiedLinkError naming it, never silently.
//
// The Java side (ai.djl.pytorch.jni.PyTorchLibrary) passes tensors as `long` handles; here a
// handle is a heap-allocated at::Tensor*. Data types travel as ai.djl.ndarray.types.DataType
// ordinals and devices as {c10::DeviceType, index}, as DJL's JniUtils encodes them.
#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Index = std::vector<at::indexing::TensorIndex>;

at::Tensor& T(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

jlong H(at::Tensor&& t) { return reinterpret_cast<jlong>(new at::Tensor(std::move(t))); }

// DJL DataType ordinals: float32, float64, float16, uint8, int32, int8, int64, boolean,
// complex64, unknown, string, bfloat16, uint64, uint32, uint16, int16.
const c10::ScalarType kScalar[] = {
    at::kFloat, at::kDouble, at::kHalf, at::kByte, at::kInt, at::kChar, at::kLong, at::kBool,
    at::kComplexFloat, at::kFloat, at::kFloat, at::kBFloat16, at::kUInt64, at::kUInt32,
    at::kUInt16, at::kShort};
const int kScalarCount = sizeof(kScalar) / sizeof(kScalar[0]);

c10::ScalarType ToScalar(jint dtype) {
  if (dtype < 0 || dtype >= kScalarCount || dtype == 9 || dtype == 10) {
    throw std::invalid_argument("unsupported DJL data type ordinal " + std::to_string(dtype));
  }
  return kScalar[dtype];
}

jint FromScalar(c10::ScalarType s) {
  for (int i = 0; i < kScalarCount; ++i) {
    if (i != 9 && i != 10 && kScalar[i] == s) return i;
  }
  return 9;  // unknown
}

std::vector<int64_t> Longs(JNIEnv* env, jlongArray array) {
  jsize n = env->GetArrayLength(array);
  std::vector<int64_t> out(n);
  env->GetLongArrayRegion(array, 0, n, reinterpret_cast<jlong*>(out.data()));
  return out;
}

jlongArray ToJava(JNIEnv* env, at::IntArrayRef values) {
  jlongArray out = env->NewLongArray(static_cast<jsize>(values.size()));
  env->SetLongArrayRegion(out, 0, static_cast<jsize>(values.size()),
                          reinterpret_cast<const jlong*>(values.data()));
  return out;
}

at::Device ToDevice(JNIEnv* env, jintArray device) {
  jint d[2];
  env->GetIntArrayRegion(device, 0, 2, d);
  auto type = static_cast<c10::DeviceType>(d[0]);
  return type == c10::DeviceType::CPU ? at::Device(type)
                                      : at::Device(type, static_cast<c10::DeviceIndex>(d[1]));
}

at::TensorOptions Options(JNIEnv* env, jint dtype, jint layout, jintArray device, jboolean grad) {
  return at::TensorOptions()
      .dtype(ToScalar(dtype))
      .layout(static_cast<c10::Layout>(layout))
      .device(ToDevice(env, device))
      .requires_grad(grad == JNI_TRUE);
}

void Throw(JNIEnv* env, const char* what) {
  jclass cls = env->FindClass("ai/djl/engine/EngineException");
  if (cls == nullptr) {
    env->ExceptionClear();
    cls = env->FindClass("java/lang/RuntimeException");
  }
  env->ThrowNew(cls, what);
}

}  // namespace

#ifndef PCSR_BRIDGE_LIBTORCH
#define PCSR_BRIDGE_LIBTORCH "unknown"
#endif
// deploy/libtorch-release.sh reads this to accept the libtorch the library was built against.
extern "C" JNIEXPORT const char pcsr_torch_bridge_release[] =
    "pcsr-torch-bridge libtorch " PCSR_BRIDGE_LIBTORCH;

// Every native converts C++ exceptions into a Java EngineException, as DJL's own JNI does, so
// a shape error surfaces as a Java stack trace instead of aborting the executor JVM.
#define PCSR_TRY try {
#define PCSR_CATCH_VOID                           \
  }                                               \
  catch (const c10::Error& e) {                   \
    Throw(env, e.what_without_backtrace());       \
  }                                               \
  catch (const std::exception& e) {               \
    Throw(env, e.what());                         \
  }
#define PCSR_CATCH(fallback) PCSR_CATCH_VOID return fallback;

#define JNI_FN(ret, name) \
  extern "C" JNIEXPORT ret JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_##name

// Unary and binary tensor ops that map one-to-one onto ATen.
#define UNARY(name, expr)                                        \
  JNI_FN(jlong, name)(JNIEnv * env, jobject, jlong h) {          \
    PCSR_TRY auto& x = T(h); return H(expr); PCSR_CATCH(0)       \
  }
#define BINARY(name, expr)                                                 \
  JNI_FN(jlong, name)(JNIEnv * env, jobject, jlong ha, jlong hb) {         \
    PCSR_TRY auto& a = T(ha); auto& b = T(hb); return H(expr); PCSR_CATCH(0) \
  }
#define BINARY_INPLACE(name, expr)                                       \
  JNI_FN(void, name)(JNIEnv * env, jobject, jlong ha, jlong hb) {        \
    PCSR_TRY auto& a = T(ha); auto& b = T(hb); expr; PCSR_CATCH_VOID     \
  }

// Ops taking one tensor and a long[] (v) or one long (n) besides.
#define WITH_LONGS(name, expr)                                                  \
  JNI_FN(jlong, name)(JNIEnv * env, jobject, jlong h, jlongArray values) {      \
    PCSR_TRY auto& x = T(h); auto v = Longs(env, values); return H(expr); PCSR_CATCH(0) \
  }
#define WITH_LONG(name, expr)                                    \
  JNI_FN(jlong, name)(JNIEnv * env, jobject, jlong h, jlong n) { \
    PCSR_TRY auto& x = T(h); return H(expr); PCSR_CATCH(0)       \
  }

// libtorch lets cuDNN run float32 convolutions in TF32 on Ampere and later GPUs (10-bit
// mantissa); DJL's own JNI keeps that default. On an H100 it moved p_heavy by up to 0.09 and
// flipped 0.05 % of the classes against the CPU, while full float32 matched the CPU to 4e-7.
// PCSR's float32 therefore means float32 here; PCSR_CUDNN_TF32=1 restores libtorch's default,
// and --precision float16 is the measured way to trade digits for speed.
extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM*, void*) {
  const char* tf32 = std::getenv("PCSR_CUDNN_TF32");
  at::globalContext().setAllowTF32CuDNN(tf32 != nullptr && std::string(tf32) == "1");
  return JNI_VERSION_1_8;
}

// ---- engine and threads -------------------------------------------------------------------
JNI_FN(jboolean, torchIsGradMode)(JNIEnv*, jobject) { return c10::GradMode::is_enabled(); }
JNI_FN(void, torchSetGradMode)(JNIEnv*, jobject, jboolean on) {
  c10::GradMode::set_enabled(on == JNI_TRUE);
}
JNI_FN(jint, torchGetNumInteropThreads)(JNIEnv*, jobject) { return at::get_num_interop_threads(); }
JNI_FN(jint, torchGetNumThreads)(JNIEnv*, jobject) { return at::get_num_threads(); }
JNI_FN(void, torchSetNumInteropThreads)(JNIEnv* env, jobject, jint n) {
  PCSR_TRY at::set_num_interop_threads(n); PCSR_CATCH_VOID
}
JNI_FN(void, torchSetNumThreads)(JNIEnv* env, jobject, jint n) {
  PCSR_TRY at::set_num_threads(n); PCSR_CATCH_VOID
}
JNI_FN(void, torchSetBenchmarkCuDNN)(JNIEnv*, jobject, jboolean on) {
  at::globalContext().setBenchmarkCuDNN(on == JNI_TRUE);
}
JNI_FN(void, torchManualSeed)(JNIEnv* env, jobject, jlong seed) {
  PCSR_TRY at::manual_seed(static_cast<uint64_t>(seed)); PCSR_CATCH_VOID
}
// DJL reads this set as the engine's capabilities; "CUDA" is what makes it list GPUs.
JNI_FN(void, torchShowConfig)(JNIEnv* env, jobject, jobject set) {
  jclass cls = env->GetObjectClass(set);
  jmethodID add = env->GetMethodID(cls, "add", "(Ljava/lang/Object;)Z");
  auto put = [&](const char* feature) {
    jstring s = env->NewStringUTF(feature);
    env->CallBooleanMethod(set, add, s);
    env->DeleteLocalRef(s);
  };
  if (at::hasCUDA()) put("CUDA");
  if (at::globalContext().hasCuDNN()) put("CUDNN");
  if (at::hasMKL()) put("MKL");
  if (at::hasMKLDNN()) put("MKLDNN");
  if (at::hasOpenMP()) put("OPENMP");
}
// Releasing cached device blocks needs the CUDA allocator's headers, which a Python torch
// install may lack; PCSR sizes chunks from free memory instead, so this stays a no-op.
JNI_FN(void, torchCudaEmptyCache)(JNIEnv*, jobject) {}

// ---- creation, data, metadata -------------------------------------------------------------
JNI_FN(jlong, torchFromBlob)(JNIEnv* env, jobject, jobject buffer, jlongArray shape, jint dtype,
                             jint layout, jintArray device, jboolean grad) {
  PCSR_TRY
  void* data = env->GetDirectBufferAddress(buffer);
  if (data == nullptr) throw std::invalid_argument("torchFromBlob needs a direct ByteBuffer");
  auto cpu = at::TensorOptions().dtype(ToScalar(dtype)).layout(static_cast<c10::Layout>(layout));
  // The Java side keeps the buffer alive as long as the NDArray, so a CPU tensor may share it.
  at::Tensor t = at::from_blob(data, Longs(env, shape), cpu);
  at::Device target = ToDevice(env, device);
  if (!target.is_cpu()) t = t.to(target);
  if (grad == JNI_TRUE) t.set_requires_grad(true);
  return H(std::move(t));
  PCSR_CATCH(0)
}
// Factories of a shape and tensor options (data type, layout, device, requires_grad).
#define FACTORY(name, fn)                                                              \
  JNI_FN(jlong, name)(JNIEnv * env, jobject, jlongArray shape, jint dtype, jint layout, \
                      jintArray device, jboolean grad) {                               \
    PCSR_TRY return H(fn(Longs(env, shape), Options(env, dtype, layout, device, grad))); \
    PCSR_CATCH(0)                                                                      \
  }
FACTORY(torchEmpty, at::empty)
FACTORY(torchZeros, at::zeros)
FACTORY(torchOnes, at::ones)
JNI_FN(jlong, torchFull)(JNIEnv* env, jobject, jlongArray shape, jdouble value, jint dtype,
                         jint layout, jintArray device, jboolean grad) {
  PCSR_TRY
  return H(at::full(Longs(env, shape), value, Options(env, dtype, layout, device, grad)));
  PCSR_CATCH(0)
}
JNI_FN(jlong, torchZerosLike)(JNIEnv* env, jobject, jlong h, jint dtype, jint layout,
                              jintArray device, jboolean grad) {
  PCSR_TRY return H(at::zeros_like(T(h), Options(env, dtype, layout, device, grad)));
  PCSR_CATCH(0)
}
JNI_FN(jlong, torchOnesLike)(JNIEnv* env, jobject, jlong h, jint dtype, jint layout,
                             jintArray device, jboolean grad) {
  PCSR_TRY return H(at::ones_like(T(h), Options(env, dtype, layout, device, grad)));
  PCSR_CATCH(0)
}
JNI_FN(jlong, torchArange)(JNIEnv* env, jobject, jfloat start, jfloat end, jfloat step,
                           jint dtype, jint layout, jintArray device, jboolean grad) {
  PCSR_TRY
  return H(at::arange(start, end, step, Options(env, dtype, layout, device, grad)));
  PCSR_CATCH(0)
}
JNI_FN(jlong, tensorUniform)(JNIEnv* env, jobject, jdouble low, jdouble high, jlongArray shape,
                             jint dtype, jint layout, jintArray device, jboolean grad) {
  PCSR_TRY
  at::Tensor t = at::empty(Longs(env, shape), Options(env, dtype, layout, device, JNI_FALSE));
  {
    at::NoGradGuard no_grad;
    t.uniform_(low, high);
  }
  if (grad == JNI_TRUE) t.set_requires_grad(true);
  return H(std::move(t));
  PCSR_CATCH(0)
}
JNI_FN(void, torchDeleteTensor)(JNIEnv*, jobject, jlong h) {
  delete reinterpret_cast<at::Tensor*>(h);
}
JNI_FN(jlongArray, torchSizes)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return ToJava(env, T(h).sizes()); PCSR_CATCH(nullptr)
}
JNI_FN(jint, torchDType)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return FromScalar(T(h).scalar_type()); PCSR_CATCH(9)
}
JNI_FN(jintArray, torchDevice)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY
  at::Device d = T(h).device();
  jint values[2] = {static_cast<jint>(d.type()), static_cast<jint>(d.index())};
  jintArray out = env->NewIntArray(2);
  env->SetIntArrayRegion(out, 0, 2, values);
  return out;
  PCSR_CATCH(nullptr)
}
JNI_FN(jint, torchLayout)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return static_cast<jint>(T(h).layout()); PCSR_CATCH(0)
}
JNI_FN(jboolean, torchIsContiguous)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return T(h).is_contiguous(); PCSR_CATCH(JNI_FALSE)
}
JNI_FN(jlong, torchToContiguous)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return H(T(h).contiguous()); PCSR_CATCH(0)
}
// The buffer aliases the tensor's storage; DJL keeps the NDArray open while it is read.
JNI_FN(jobject, torchDirectByteBuffer)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY
  auto& t = T(h);
  if (!t.device().is_cpu() || !t.is_contiguous()) {
    throw std::invalid_argument("torchDirectByteBuffer needs a contiguous CPU tensor");
  }
  return env->NewDirectByteBuffer(t.data_ptr(), static_cast<jlong>(t.nbytes()));
  PCSR_CATCH(nullptr)
}
JNI_FN(jbyteArray, torchDataPtr)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY
  at::Tensor t = T(h).to(at::kCPU).contiguous();
  auto n = static_cast<jsize>(t.nbytes());
  jbyteArray out = env->NewByteArray(n);
  env->SetByteArrayRegion(out, 0, n, static_cast<const jbyte*>(t.data_ptr()));
  return out;
  PCSR_CATCH(nullptr)
}
JNI_FN(void, torchSet)(JNIEnv* env, jobject, jlong h, jobject buffer) {
  PCSR_TRY
  auto& t = T(h);
  void* data = env->GetDirectBufferAddress(buffer);
  if (data == nullptr) throw std::invalid_argument("torchSet needs a direct ByteBuffer");
  at::Tensor src = at::from_blob(data, t.sizes(), t.options().device(at::kCPU));
  t.copy_(src);
  PCSR_CATCH_VOID
}
JNI_FN(jlong, torchTo)(JNIEnv* env, jobject, jlong h, jint dtype, jintArray device) {
  PCSR_TRY return H(T(h).to(ToDevice(env, device), ToScalar(dtype))); PCSR_CATCH(0)
}
UNARY(tensorClone, x.clone())
JNI_FN(jboolean, torchRequiresGrad)(JNIEnv* env, jobject, jlong h) {
  PCSR_TRY return T(h).requires_grad(); PCSR_CATCH(JNI_FALSE)
}
JNI_FN(void, torchAttachGrad)(JNIEnv* env, jobject, jlong h, jboolean grad) {
  PCSR_TRY T(h).set_requires_grad(grad == JNI_TRUE); PCSR_CATCH_VOID
}
UNARY(torchDetachGrad, x.detach())

// ---- shape ---------------------------------------------------------------------------------
WITH_LONGS(torchReshape, x.reshape(v))
WITH_LONGS(torchPermute, x.permute(v))
JNI_FN(jlong, torchTranspose)(JNIEnv* env, jobject, jlong h, jlong a, jlong b) {
  PCSR_TRY return H(T(h).transpose(a, b)); PCSR_CATCH(0)
}
WITH_LONG(torchUnsqueeze, x.unsqueeze(n))
UNARY(torchSqueeze__J, x.squeeze())
WITH_LONG(torchSqueeze__JJ, x.squeeze(n))
JNI_FN(jlong, torchFlatten)(JNIEnv* env, jobject, jlong h, jlong start, jlong end) {
  PCSR_TRY return H(T(h).flatten(start, end)); PCSR_CATCH(0)
}
WITH_LONGS(torchExpand, x.expand(v))
WITH_LONGS(torchRepeat, x.repeat(v))
JNI_FN(jlong, torchRepeatInterleave)(JNIEnv* env, jobject, jlong h, jlong repeats, jlong dim) {
  PCSR_TRY return H(T(h).repeat_interleave(repeats, dim)); PCSR_CATCH(0)
}
WITH_LONGS(torchFlip, x.flip(v))
JNI_FN(jlong, torchSlice)(JNIEnv* env, jobject, jlong h, jlong dim, jlong start, jlong end,
                          jlong step) {
  PCSR_TRY return H(T(h).slice(dim, start, end, step)); PCSR_CATCH(0)
}
JNI_FN(jlong, torchPad)(JNIEnv* env, jobject, jlong h, jlongArray pad, jdouble value) {
  PCSR_TRY return H(at::constant_pad_nd(T(h), Longs(env, pad), value)); PCSR_CATCH(0)
}

std::vector<at::Tensor> Tensors(JNIEnv* env, jlongArray handles) {
  std::vector<at::Tensor> out;
  for (int64_t h : Longs(env, handles)) out.push_back(T(h));
  return out;
}
JNI_FN(jlong, torchCat)(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  PCSR_TRY return H(at::cat(Tensors(env, handles), dim)); PCSR_CATCH(0)
}
JNI_FN(jlong, torchStack)(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  PCSR_TRY return H(at::stack(Tensors(env, handles), dim)); PCSR_CATCH(0)
}
jlongArray Handles(JNIEnv* env, std::vector<at::Tensor> parts) {
  std::vector<int64_t> hs;
  for (auto& p : parts) hs.push_back(H(std::move(p)));
  return ToJava(env, hs);
}
JNI_FN(jlongArray, torchSplit__JJJ)(JNIEnv* env, jobject, jlong h, jlong size, jlong dim) {
  PCSR_TRY return Handles(env, T(h).split(size, dim)); PCSR_CATCH(nullptr)
}
JNI_FN(jlongArray, torchSplit__J_3JJ)(JNIEnv* env, jobject, jlong h, jlongArray indices,
                                      jlong dim) {
  PCSR_TRY return Handles(env, T(h).tensor_split(Longs(env, indices), dim)); PCSR_CATCH(nullptr)
}

// ---- indexing: DJL builds a TensorIndex list, then gets or puts with it ----------------------
JNI_FN(jlong, torchIndexInit)(JNIEnv* env, jobject, jint size) {
  auto* index = new Index();
  index->reserve(size);
  return reinterpret_cast<jlong>(index);
}
JNI_FN(void, torchDeleteIndex)(JNIEnv*, jobject, jlong idx) {
  delete reinterpret_cast<Index*>(idx);
}
JNI_FN(void, torchIndexAppendNoneEllipsis)(JNIEnv*, jobject, jlong idx, jboolean ellipsis) {
  auto* index = reinterpret_cast<Index*>(idx);
  if (ellipsis == JNI_TRUE) {
    index->emplace_back(at::indexing::Ellipsis);
  } else {
    index->emplace_back(at::indexing::None);
  }
}
// nullFlags: 2 when min is absent, plus 1 when max is absent (DJL's encoding).
JNI_FN(void, torchIndexAppendSlice)(JNIEnv*, jobject, jlong idx, jlong min, jlong max, jlong step,
                                    jint nullFlags) {
  std::optional<c10::SymInt> lo, hi;
  if ((nullFlags & 2) == 0) lo = c10::SymInt(min);
  if ((nullFlags & 1) == 0) hi = c10::SymInt(max);
  reinterpret_cast<Index*>(idx)->emplace_back(at::indexing::Slice(lo, hi, c10::SymInt(step)));
}
JNI_FN(void, torchIndexAppendFixed)(JNIEnv*, jobject, jlong idx, jlong value) {
  reinterpret_cast<Index*>(idx)->emplace_back(value);
}
JNI_FN(void, torchIndexAppendArray)(JNIEnv*, jobject, jlong idx, jlong h) {
  reinterpret_cast<Index*>(idx)->emplace_back(T(h));
}
JNI_FN(jlong, torchIndexAdvGet)(JNIEnv* env, jobject, jlong h, jlong idx) {
  PCSR_TRY return H(T(h).index(*reinterpret_cast<Index*>(idx))); PCSR_CATCH(0)
}
JNI_FN(void, torchIndexAdvPut)(JNIEnv* env, jobject, jlong h, jlong idx, jlong value) {
  PCSR_TRY T(h).index_put_(*reinterpret_cast<Index*>(idx), T(value)); PCSR_CATCH_VOID
}
JNI_FN(jlong, torchGather)(JNIEnv* env, jobject, jlong h, jlong index, jlong dim,
                           jboolean sparse) {
  PCSR_TRY return H(at::gather(T(h), dim, T(index), sparse == JNI_TRUE)); PCSR_CATCH(0)
}
BINARY(torchTake, at::take(a, b))
JNI_FN(jlong, torchPut)(JNIEnv* env, jobject, jlong h, jlong index, jlong value) {
  PCSR_TRY return H(T(h).put(T(index), T(value))); PCSR_CATCH(0)
}
BINARY(torchMaskedSelect, a.masked_select(b))
JNI_FN(jlong, torchWhere)(JNIEnv* env, jobject, jlong cond, jlong a, jlong b) {
  PCSR_TRY return H(at::where(T(cond), T(a), T(b))); PCSR_CATCH(0)
}

// ---- arithmetic ----------------------------------------------------------------------------
BINARY(torchAdd, a.add(b))
BINARY_INPLACE(torchAddi, a.add_(b))
BINARY(torchSub, a.sub(b))
BINARY_INPLACE(torchSubi, a.sub_(b))
BINARY(torchMul, a.mul(b))
BINARY_INPLACE(torchMuli, a.mul_(b))
BINARY(torchTrueDivide, a.true_divide(b))
BINARY_INPLACE(torchTrueDividei, a.true_divide_(b))
BINARY(torchPow, a.pow(b))
BINARY_INPLACE(torchPowi, a.pow_(b))
BINARY(torchRemainder, a.remainder(b))
BINARY(torchMaximum, at::maximum(a, b))
BINARY(torchMinimum, at::minimum(a, b))
BINARY(torchMatmul, a.matmul(b))
BINARY(torchBmm, a.bmm(b))
BINARY(torchEq, a.eq(b))
BINARY(torchNeq, a.ne(b))
BINARY(torchGt, a.gt(b))
BINARY(torchGte, a.ge(b))
BINARY(torchLt, a.lt(b))
BINARY(torchLte, a.le(b))
BINARY(torchLogicalAnd, a.logical_and(b))
BINARY(torchLogicalOr, a.logical_or(b))
UNARY(torchLogicalNot, x.logical_not())
UNARY(torchNeg, x.neg())
UNARY(torchAbs, x.abs())
UNARY(torchSquare, x.square())
UNARY(torchSqrt, x.sqrt())
UNARY(torchExp, x.exp())
UNARY(torchLog, x.log())
UNARY(torchFloor, x.floor())
UNARY(torchCeil, x.ceil())
UNARY(torchRound, x.round())
UNARY(torchTanh, x.tanh())
UNARY(torchSigmoid, x.sigmoid())
UNARY(torchErf, x.erf())
UNARY(torchSign, x.sign())
JNI_FN(jlong, torchClamp)(JNIEnv* env, jobject, jlong h, jlong min, jlong max) {
  PCSR_TRY return H(T(h).clamp(T(min), T(max))); PCSR_CATCH(0)
}

// ---- reductions ----------------------------------------------------------------------------
UNARY(torchSum__J, x.sum())
JNI_FN(jlong, torchSum__J_3JZ)(JNIEnv* env, jobject, jlong h, jlongArray dims, jboolean keep) {
  PCSR_TRY return H(T(h).sum(Longs(env, dims), keep == JNI_TRUE)); PCSR_CATCH(0)
}
UNARY(torchMean__J, x.mean())
JNI_FN(jlong, torchMean__JJZ)(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  PCSR_TRY return H(T(h).mean(dim, keep == JNI_TRUE)); PCSR_CATCH(0)
}
UNARY(torchMax__J, x.max())
JNI_FN(jlong, torchMax__JJZ)(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  PCSR_TRY return H(std::get<0>(T(h).max(dim, keep == JNI_TRUE))); PCSR_CATCH(0)
}
UNARY(torchMin__J, x.min())
JNI_FN(jlong, torchMin__JJZ)(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  PCSR_TRY return H(std::get<0>(T(h).min(dim, keep == JNI_TRUE))); PCSR_CATCH(0)
}
UNARY(torchArgMax__J, x.argmax())
JNI_FN(jlong, torchArgMax__JJZ)(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  PCSR_TRY return H(T(h).argmax(dim, keep == JNI_TRUE)); PCSR_CATCH(0)
}
JNI_FN(jlong, torchSoftmax)(JNIEnv* env, jobject, jlong h, jlong dim, jint dtype) {
  PCSR_TRY return H(T(h).softmax(dim, ToScalar(dtype))); PCSR_CATCH(0)
}

// ---- neural-network ops --------------------------------------------------------------------
JNI_FN(jlong, torchNNConvNd)(JNIEnv* env, jobject, jlong input, jlong weight, jlong bias,
                             jlongArray stride, jlongArray padding, jlongArray dilation,
                             jint groups) {
  PCSR_TRY
  std::optional<at::Tensor> b;
  if (bias != 0) b = T(bias);
  auto s = Longs(env, stride), p = Longs(env, padding), d = Longs(env, dilation);
  return H(at::convolution(T(input), T(weight), b, s, p, d, /*transposed=*/false,
                           std::vector<int64_t>(s.size(), 0), groups));
  PCSR_CATCH(0)
}
JNI_FN(jlong, torchNNLinear)(JNIEnv* env, jobject, jlong input, jlong weight, jlong bias) {
  PCSR_TRY
  std::optional<at::Tensor> b;
  if (bias != 0) b = T(bias);
  return H(at::linear(T(input), T(weight), b));
  PCSR_CATCH(0)
}
JNI_FN(jlong, torchNNEmbedding)(JNIEnv* env, jobject, jlong input, jlong weight,
                                jboolean sparse) {
  PCSR_TRY
  return H(at::embedding(T(weight), T(input), /*padding_idx=*/-1, /*scale_grad=*/false,
                         sparse == JNI_TRUE));
  PCSR_CATCH(0)
}
UNARY(torchNNRelu, x.relu())
JNI_FN(jlong, torchNNLeakyRelu)(JNIEnv* env, jobject, jlong h, jdouble slope) {
  PCSR_TRY return H(at::leaky_relu(T(h), slope)); PCSR_CATCH(0)
}
