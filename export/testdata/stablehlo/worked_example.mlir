// worked_example: written by github.com/seed812a03d2/backprop/export (Func.StableHLO).
module @worked_example attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<f64> {jax.arg_info = "u1"}, %arg1: tensor<f64> {jax.arg_info = "u2"}) -> (tensor<f64> {jax.result_info = "u5"}, tensor<f64> {jax.result_info = "grad_u1"}, tensor<f64> {jax.result_info = "grad_u2"}) {
    %0 = "stablehlo.add"(%arg0, %arg1) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %1 = "stablehlo.constant"() {value = dense<2.0e+00> : tensor<f64>} : () -> tensor<f64>
    %2 = "stablehlo.power"(%0, %1) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %3 = "stablehlo.sine"(%2) : (tensor<f64>) -> tensor<f64>
    %4 = "stablehlo.constant"() {value = dense<1.0e+00> : tensor<f64>} : () -> tensor<f64>
    %5 = "stablehlo.cosine"(%2) : (tensor<f64>) -> tensor<f64>
    %6 = "stablehlo.constant"() {value = dense<0.0e+00> : tensor<f64>} : () -> tensor<f64>
    %7 = "stablehlo.compare"(%4, %6) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f64>, tensor<f64>) -> tensor<i1>
    %8 = "stablehlo.compare"(%5, %6) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f64>, tensor<f64>) -> tensor<i1>
    %9 = "stablehlo.or"(%7, %8) : (tensor<i1>, tensor<i1>) -> tensor<i1>
    %10 = "stablehlo.multiply"(%4, %5) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %11 = "stablehlo.select"(%9, %6, %10) : (tensor<i1>, tensor<f64>, tensor<f64>) -> tensor<f64>
    %12 = "stablehlo.subtract"(%1, %4) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %13 = "stablehlo.power"(%0, %12) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %14 = "stablehlo.multiply"(%1, %13) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %15 = "stablehlo.compare"(%11, %6) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f64>, tensor<f64>) -> tensor<i1>
    %16 = "stablehlo.compare"(%14, %6) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction EQ>} : (tensor<f64>, tensor<f64>) -> tensor<i1>
    %17 = "stablehlo.or"(%15, %16) : (tensor<i1>, tensor<i1>) -> tensor<i1>
    %18 = "stablehlo.multiply"(%11, %14) : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %19 = "stablehlo.select"(%17, %6, %18) : (tensor<i1>, tensor<f64>, tensor<f64>) -> tensor<f64>
    "func.return"(%3, %19, %19) : (tensor<f64>, tensor<f64>, tensor<f64>) -> ()
  }
}
