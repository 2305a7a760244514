use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Plotter {
    points: Vec<(i32, i32)>,
}

pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[actor]
impl Plotter {
    pub fn plot(&mut self, (x, y): (i32, i32)) {
        self.points.push((x, y));
    }

    pub fn plot_point(&mut self, Point { x, y }: Point) {
        self.points.push((x, y));
    }

    // `mut` on a name is fine.
    pub fn plot_shifted(&mut self, mut point: (i32, i32)) {
        point.0 += 1;
        self.points.push(point);
    }
}

fn main() {}
