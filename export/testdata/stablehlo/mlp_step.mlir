// mlp_step: written by github.com/seed812a03d2/backprop/export (Func.StableHLO).
module @mlp_step attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<256x784xf32> {jax.arg_info = "0.weight", mhlo.sharding = "{replicated}"}, %arg1: tensor<256xf32> {jax.arg_info = "0.bias", mhlo.sharding = "{replicated}"}, %arg2: tensor<256x256xf32> {jax.arg_info = "2.weight", mhlo.sharding = "{replicated}"}, %arg3: tensor<256xf32> {jax.arg_info = "2.bias", mhlo.sharding = "{replicated}"}, %arg4: tensor<10x256xf32> {jax.arg_info = "4.weight", mhlo.sharding = "{replicated}"}, %arg5: tensor<10xf32> {jax.arg_info = "4.bias", mhlo.sharding = "{replicated}"}, %arg6: tensor<256x784xf32> {jax.arg_info = "0.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg7: tensor<256xf32> {jax.arg_info = "0.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg8: tensor<256x256xf32> {jax.arg_info = "2.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg9: tensor<256xf32> {jax.arg_info = "2.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg10: tensor<10x256xf32> {jax.arg_info = "4.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg11: tensor<10xf32> {jax.arg_info = "4.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, %arg12: tensor<f32> {jax.arg_info = "lr", mhlo.sharding = "{replicated}"}, %arg13: tensor<f32> {jax.arg_info = "step", mhlo.sharding = "{replicated}"}, %arg14: tensor<4x784xf32> {jax.arg_info = "x", mhlo.sharding = "{devices=[2,1]<=[2]}"}, %arg15: tensor<4xi64> {jax.arg_info = "labels", mhlo.sharding = "{devices=[2]<=[2]}"}) -> (tensor<f32> {jax.result_info = "loss", mhlo.sharding = "{replicated}"}, tensor<256x784xf32> {jax.result_info = "new_0.weight", mhlo.sharding = "{replicated}"}, tensor<256xf32> {jax.result_info = "new_0.bias", mhlo.sharding = "{replicated}"}, tensor<256x256xf32> {jax.result_info = "new_2.weight", mhlo.sharding = "{replicated}"}, tensor<256xf32> {jax.result_info = "new_2.bias", mhlo.sharding = "{replicated}"}, tensor<10x256xf32> {jax.result_info = "new_4.weight", mhlo.sharding = "{replicated}"}, tensor<10xf32> {jax.result_info = "new_4.bias", mhlo.sharding = "{replicated}"}, tensor<256x784xf32> {jax.result_info = "new_0.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<256xf32> {jax.result_info = "new_0.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<256x256xf32> {jax.result_info = "new_2.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<256xf32> {jax.result_info = "new_2.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<10x256xf32> {jax.result_info = "new_4.weight.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<10xf32> {jax.result_info = "new_4.bias.momentum_buffer", mhlo.sharding = "{replicated}"}, tensor<f32> {jax.result_info = "new_step", mhlo.sharding = "{replicated}"}) {
    %0 = "stablehlo.transpose"(%arg0) {permutation = array<i64: 1, 0>} : (tensor<256x784xf32>) -> tensor<784x256xf32>
    %1 = "stablehlo.dot_general"(%arg14, %0) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<4x784xf32>, tensor<784x256xf32>) -> tensor<4x256xf32>
    %2 = "stablehlo.broadcast_in_dim"(%arg1) {broadcast_dimensions = array<i64: 1>} : (tensor<256xf32>) -> tensor<4x256xf32>
    %3 = "stablehlo.add"(%1, %2) : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %4 = "stablehlo.constant"() {value = dense<0.0e+00> : tensor<f32>} : () -> tensor<f32>
    %5 = "stablehlo.constant"() {value = dense<0.0e+00> : tensor<4x256xf32>} : () -> tensor<4x256xf32>
    %6 = "stablehlo.maximum"(%3, %5) : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %7 = "stablehlo.transpose"(%arg2) {permutation = array<i64: 1, 0>} : (tensor<256x256xf32>) -> tensor<256x256xf32>
    %8 = "stablehlo.dot_general"(%6, %7) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<4x256xf32>, tensor<256x256xf32>) -> tensor<4x256xf32>
    %9 = "stablehlo.broadcast_in_dim"(%arg3) {broadcast_dimensions = array<i64: 1>} : (tensor<256xf32>) -> tensor<4x256xf32>
    %10 = "stablehlo.add"(%8, %9) : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %11 = "stablehlo.maximum"(%10, %5) : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %12 = "stablehlo.transpose"(%arg4) {permutation = array<i64: 1, 0>} : (tensor<10x256xf32>) -> tensor<256x10xf32>
    %13 = "stablehlo.dot_general"(%11, %12) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<4x256xf32>, tensor<256x10xf32>) -> tensor<4x10xf32>
    %14 = "stablehlo.broadcast_in_dim"(%arg5) {broadcast_dimensions = array<i64: 1>} : (tensor<10xf32>) -> tensor<4x10xf32>
    %15 = "stablehlo.add"(%13, %14) : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
    %16 = "stablehlo.constant"() {value = dense<0xFF800000> : tensor<f32>} : () -> tensor<f32>
    %17 = "stablehlo.reduce"(%15, %16) ({
    ^bb0(%18: tensor<f32>, %19: tensor<f32>):
      %20 = "stablehlo.maximum"(%18, %19) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%20) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 1>} : (tensor<4x10xf32>, tensor<f32>) -> tensor<4xf32>
    %21 = "stablehlo.abs"(%17) : (tensor<4xf32>) -> tensor<4xf32>
    %22 = "stablehlo.constant"() {value = dense<0x7F800000> : tensor<4xf32>} : () -> tensor<4xf32>
    %23 = "stablehlo.compare"(%21, %22) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    %24 = "stablehlo.constant"() {value = dense<0.0e+00> : tensor<4xf32>} : () -> tensor<4xf32>
    %25 = "stablehlo.select"(%23, %24, %17) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %26 = "stablehlo.broadcast_in_dim"(%25) {broadcast_dimensions = array<i64: 0>} : (tensor<4xf32>) -> tensor<4x10xf32>
    %27 = "stablehlo.subtract"(%15, %26) : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
    %28 = "stablehlo.exponential"(%27) : (tensor<4x10xf32>) -> tensor<4x10xf32>
    %29 = "stablehlo.reduce"(%28, %4) ({
    ^bb0(%30: tensor<f32>, %31: tensor<f32>):
      %32 = "stablehlo.add"(%30, %31) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%32) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 1>} : (tensor<4x10xf32>, tensor<f32>) -> tensor<4xf32>
    %33 = "stablehlo.log"(%29) : (tensor<4xf32>) -> tensor<4xf32>
    %34 = "stablehlo.broadcast_in_dim"(%33) {broadcast_dimensions = array<i64: 0>} : (tensor<4xf32>) -> tensor<4x10xf32>
    %35 = "stablehlo.subtract"(%27, %34) : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
    %36 = "stablehlo.reshape"(%arg15) : (tensor<4xi64>) -> tensor<4x1xi64>
    %37 = "stablehlo.iota"() {iota_dimension = 0 : i64} : () -> tensor<4x1x1xi64>
    %38 = "stablehlo.reshape"(%36) : (tensor<4x1xi64>) -> tensor<4x1x1xi64>
    %39 = "stablehlo.concatenate"(%37, %38) {dimension = 2 : i64} : (tensor<4x1x1xi64>, tensor<4x1x1xi64>) -> tensor<4x1x2xi64>
    %40 = "stablehlo.gather"(%35, %39) {dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [0, 1], start_index_map = [0, 1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1>} : (tensor<4x10xf32>, tensor<4x1x2xi64>) -> tensor<4x1xf32>
    %41 = "stablehlo.reshape"(%40) : (tensor<4x1xf32>) -> tensor<4xf32>
    %42 = "stablehlo.negate"(%41) : (tensor<4xf32>) -> tensor<4xf32>
    %43 = "stablehlo.reduce"(%42, %4) ({
    ^bb0(%44: tensor<f32>, %45: tensor<f32>):
      %46 = "stablehlo.add"(%44, %45) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%46) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<4xf32>, tensor<f32>) -> tensor<f32>
    %47 = "stablehlo.constant"() {value = dense<4.0e+00> : tensor<f32>} : () -> tensor<f32>
    %48 = "stablehlo.divide"(%43, %47) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %49 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<f32>} : () -> tensor<f32>
    %50 = "stablehlo.reshape"(%49) : (tensor<f32>) -> tensor<1xf32>
    %51 = "stablehlo.broadcast_in_dim"(%50) {broadcast_dimensions = array<i64: 0>} : (tensor<1xf32>) -> tensor<4xf32>
    %53 = "stablehlo.constant"() {value = dense<2.5e-01> : tensor<4xf32>} : () -> tensor<4xf32>
    %54 = "stablehlo.multiply"(%51, %53) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %55 = "stablehlo.negate"(%54) : (tensor<4xf32>) -> tensor<4xf32>
    %56 = "stablehlo.reshape"(%55) : (tensor<4xf32>) -> tensor<4x1xf32>
    %57 = "stablehlo.reshape"(%arg15) : (tensor<4xi64>) -> tensor<4x1xi64>
    %58 = "stablehlo.constant"() {value = dense<0.0e+00> : tensor<4x10xf32>} : () -> tensor<4x10xf32>
    %59 = "stablehlo.iota"() {iota_dimension = 0 : i64} : () -> tensor<4x1x1xi64>
    %60 = "stablehlo.reshape"(%57) : (tensor<4x1xi64>) -> tensor<4x1x1xi64>
    %61 = "stablehlo.concatenate"(%59, %60) {dimension = 2 : i64} : (tensor<4x1x1xi64>, tensor<4x1x1xi64>) -> tensor<4x1x2xi64>
    %62 = "stablehlo.scatter"(%58, %61, %56) ({
    ^bb0(%63: tensor<f32>, %64: tensor<f32>):
      %65 = "stablehlo.add"(%63, %64) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%65) : (tensor<f32>) -> ()
    }) {indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0, 1], scatter_dims_to_operand_dims = [0, 1], index_vector_dim = 2>, unique_indices = false} : (tensor<4x10xf32>, tensor<4x1x2xi64>, tensor<4x1xf32>) -> tensor<4x10xf32>
    %66 = "stablehlo.exponential"(%35) : (tensor<4x10xf32>) -> tensor<4x10xf32>
    %67 = "stablehlo.reduce"(%62, %4) ({
    ^bb0(%68: tensor<f32>, %69: tensor<f32>):
      %70 = "stablehlo.add"(%68, %69) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%70) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 1>} : (tensor<4x10xf32>, tensor<f32>) -> tensor<4xf32>
    %71 = "stablehlo.reshape"(%67) : (tensor<4xf32>) -> tensor<4x1xf32>
    %72 = "stablehlo.broadcast_in_dim"(%71) {broadcast_dimensions = array<i64: 0, 1>} : (tensor<4x1xf32>) -> tensor<4x10xf32>
    %73 = "stablehlo.multiply"(%66, %72) : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
    %74 = "stablehlo.subtract"(%62, %73) : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
    %75 = "stablehlo.reduce"(%74, %4) ({
    ^bb0(%76: tensor<f32>, %77: tensor<f32>):
      %78 = "stablehlo.add"(%76, %77) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%78) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<4x10xf32>, tensor<f32>) -> tensor<10xf32>
    %79 = "stablehlo.reshape"(%75) : (tensor<10xf32>) -> tensor<1x10xf32>
    %80 = "stablehlo.reshape"(%79) : (tensor<1x10xf32>) -> tensor<10xf32>
    %81 = "stablehlo.dot_general"(%74, %arg4) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<4x10xf32>, tensor<10x256xf32>) -> tensor<4x256xf32>
    %82 = "stablehlo.transpose"(%74) {permutation = array<i64: 1, 0>} : (tensor<4x10xf32>) -> tensor<10x4xf32>
    %83 = "stablehlo.dot_general"(%82, %11) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<10x4xf32>, tensor<4x256xf32>) -> tensor<10x256xf32>
    %84 = "stablehlo.compare"(%10, %5) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction GT>} : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xi1>
    %85 = "stablehlo.select"(%84, %81, %5) : (tensor<4x256xi1>, tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %86 = "stablehlo.reduce"(%85, %4) ({
    ^bb0(%87: tensor<f32>, %88: tensor<f32>):
      %89 = "stablehlo.add"(%87, %88) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%89) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<4x256xf32>, tensor<f32>) -> tensor<256xf32>
    %90 = "stablehlo.reshape"(%86) : (tensor<256xf32>) -> tensor<1x256xf32>
    %91 = "stablehlo.reshape"(%90) : (tensor<1x256xf32>) -> tensor<256xf32>
    %92 = "stablehlo.dot_general"(%85, %arg2) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<4x256xf32>, tensor<256x256xf32>) -> tensor<4x256xf32>
    %93 = "stablehlo.transpose"(%85) {permutation = array<i64: 1, 0>} : (tensor<4x256xf32>) -> tensor<256x4xf32>
    %94 = "stablehlo.dot_general"(%93, %6) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<256x4xf32>, tensor<4x256xf32>) -> tensor<256x256xf32>
    %95 = "stablehlo.compare"(%3, %5) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction GT>} : (tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xi1>
    %96 = "stablehlo.select"(%95, %92, %5) : (tensor<4x256xi1>, tensor<4x256xf32>, tensor<4x256xf32>) -> tensor<4x256xf32>
    %97 = "stablehlo.reduce"(%96, %4) ({
    ^bb0(%98: tensor<f32>, %99: tensor<f32>):
      %100 = "stablehlo.add"(%98, %99) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%100) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<4x256xf32>, tensor<f32>) -> tensor<256xf32>
    %101 = "stablehlo.reshape"(%97) : (tensor<256xf32>) -> tensor<1x256xf32>
    %102 = "stablehlo.reshape"(%101) : (tensor<1x256xf32>) -> tensor<256xf32>
    %103 = "stablehlo.transpose"(%96) {permutation = array<i64: 1, 0>} : (tensor<4x256xf32>) -> tensor<256x4xf32>
    %104 = "stablehlo.dot_general"(%103, %arg14) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>, precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]} : (tensor<256x4xf32>, tensor<4x784xf32>) -> tensor<256x784xf32>
    %106 = "stablehlo.constant"() {value = dense<9.0e-01> : tensor<256x784xf32>} : () -> tensor<256x784xf32>
    %107 = "stablehlo.multiply"(%106, %arg6) : (tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %108 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<256x784xf32>} : () -> tensor<256x784xf32>
    %109 = "stablehlo.multiply"(%108, %104) : (tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %110 = "stablehlo.add"(%107, %109) : (tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %111 = "stablehlo.constant"() {value = dense<2.0e+00> : tensor<f32>} : () -> tensor<f32>
    %112 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %113 = "stablehlo.maximum"(%112, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %114 = "stablehlo.compare"(%113, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %115 = "stablehlo.not"(%114) : (tensor<i1>) -> tensor<i1>
    %116 = "stablehlo.broadcast_in_dim"(%115) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<256x784xi1>
    %117 = "stablehlo.select"(%116, %104, %110) : (tensor<256x784xi1>, tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %118 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %119 = "stablehlo.broadcast_in_dim"(%118) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<256x784xf32>
    %120 = "stablehlo.multiply"(%119, %117) : (tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %121 = "stablehlo.add"(%arg0, %120) : (tensor<256x784xf32>, tensor<256x784xf32>) -> tensor<256x784xf32>
    %122 = "stablehlo.constant"() {value = dense<9.0e-01> : tensor<256xf32>} : () -> tensor<256xf32>
    %123 = "stablehlo.multiply"(%122, %arg7) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %124 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<256xf32>} : () -> tensor<256xf32>
    %125 = "stablehlo.multiply"(%124, %102) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %126 = "stablehlo.add"(%123, %125) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %127 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %128 = "stablehlo.maximum"(%127, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %129 = "stablehlo.compare"(%128, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %130 = "stablehlo.not"(%129) : (tensor<i1>) -> tensor<i1>
    %131 = "stablehlo.broadcast_in_dim"(%130) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<256xi1>
    %132 = "stablehlo.select"(%131, %102, %126) : (tensor<256xi1>, tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %133 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %134 = "stablehlo.broadcast_in_dim"(%133) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<256xf32>
    %135 = "stablehlo.multiply"(%134, %132) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %136 = "stablehlo.add"(%arg1, %135) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %137 = "stablehlo.constant"() {value = dense<9.0e-01> : tensor<256x256xf32>} : () -> tensor<256x256xf32>
    %138 = "stablehlo.multiply"(%137, %arg8) : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %139 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<256x256xf32>} : () -> tensor<256x256xf32>
    %140 = "stablehlo.multiply"(%139, %94) : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %141 = "stablehlo.add"(%138, %140) : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %142 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %143 = "stablehlo.maximum"(%142, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %144 = "stablehlo.compare"(%143, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %145 = "stablehlo.not"(%144) : (tensor<i1>) -> tensor<i1>
    %146 = "stablehlo.broadcast_in_dim"(%145) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<256x256xi1>
    %147 = "stablehlo.select"(%146, %94, %141) : (tensor<256x256xi1>, tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %148 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %149 = "stablehlo.broadcast_in_dim"(%148) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<256x256xf32>
    %150 = "stablehlo.multiply"(%149, %147) : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %151 = "stablehlo.add"(%arg2, %150) : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %152 = "stablehlo.multiply"(%122, %arg9) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %153 = "stablehlo.multiply"(%124, %91) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %154 = "stablehlo.add"(%152, %153) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %155 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %156 = "stablehlo.maximum"(%155, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %157 = "stablehlo.compare"(%156, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %158 = "stablehlo.not"(%157) : (tensor<i1>) -> tensor<i1>
    %159 = "stablehlo.broadcast_in_dim"(%158) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<256xi1>
    %160 = "stablehlo.select"(%159, %91, %154) : (tensor<256xi1>, tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %161 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %162 = "stablehlo.broadcast_in_dim"(%161) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<256xf32>
    %163 = "stablehlo.multiply"(%162, %160) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %164 = "stablehlo.add"(%arg3, %163) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %165 = "stablehlo.constant"() {value = dense<9.0e-01> : tensor<10x256xf32>} : () -> tensor<10x256xf32>
    %166 = "stablehlo.multiply"(%165, %arg10) : (tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %167 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<10x256xf32>} : () -> tensor<10x256xf32>
    %168 = "stablehlo.multiply"(%167, %83) : (tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %169 = "stablehlo.add"(%166, %168) : (tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %170 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %171 = "stablehlo.maximum"(%170, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %172 = "stablehlo.compare"(%171, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %173 = "stablehlo.not"(%172) : (tensor<i1>) -> tensor<i1>
    %174 = "stablehlo.broadcast_in_dim"(%173) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<10x256xi1>
    %175 = "stablehlo.select"(%174, %83, %169) : (tensor<10x256xi1>, tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %176 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %177 = "stablehlo.broadcast_in_dim"(%176) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<10x256xf32>
    %178 = "stablehlo.multiply"(%177, %175) : (tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %179 = "stablehlo.add"(%arg4, %178) : (tensor<10x256xf32>, tensor<10x256xf32>) -> tensor<10x256xf32>
    %180 = "stablehlo.constant"() {value = dense<9.0e-01> : tensor<10xf32>} : () -> tensor<10xf32>
    %181 = "stablehlo.multiply"(%180, %arg11) : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %182 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<10xf32>} : () -> tensor<10xf32>
    %183 = "stablehlo.multiply"(%182, %80) : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %184 = "stablehlo.add"(%181, %183) : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %185 = "stablehlo.subtract"(%111, %arg13) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %186 = "stablehlo.maximum"(%185, %4) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %187 = "stablehlo.compare"(%186, %4) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %188 = "stablehlo.not"(%187) : (tensor<i1>) -> tensor<i1>
    %189 = "stablehlo.broadcast_in_dim"(%188) {broadcast_dimensions = array<i64>} : (tensor<i1>) -> tensor<10xi1>
    %190 = "stablehlo.select"(%189, %80, %184) : (tensor<10xi1>, tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %191 = "stablehlo.subtract"(%4, %arg12) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %192 = "stablehlo.broadcast_in_dim"(%191) {broadcast_dimensions = array<i64>} : (tensor<f32>) -> tensor<10xf32>
    %193 = "stablehlo.multiply"(%192, %190) : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %194 = "stablehlo.add"(%arg5, %193) : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
    %195 = "stablehlo.add"(%arg13, %49) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    "func.return"(%48, %121, %136, %151, %164, %179, %194, %117, %132, %147, %160, %175, %190, %195) : (tensor<f32>, tensor<256x784xf32>, tensor<256xf32>, tensor<256x256xf32>, tensor<256xf32>, tensor<10x256xf32>, tensor<10xf32>, tensor<256x784xf32>, tensor<256xf32>, tensor<256x256xf32>, tensor<256xf32>, tensor<10x256xf32>, tensor<10xf32>, tensor<f32>) -> ()
  }
}
